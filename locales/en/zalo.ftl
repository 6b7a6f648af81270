## Zalo channel: strings only Zalo uses
zalo-unsupported = Sorry, Zalo did not pass this message on to the bot. Please ask your village collaborator to send it for you.
zalo-error = Sorry, something went wrong with that message. Please try again in a few minutes.
zalo-photo-unavailable = (The picture could not be sent on Zalo; the figures are above.)
zalo-evidence-unavailable = ({$count} evidence photo(s) could not be sent on Zalo: not yet stored on the bot's server.)
zalo-document-unavailable = (Zalo cannot send the file "{$filename}". Please ask the administrator for it.)

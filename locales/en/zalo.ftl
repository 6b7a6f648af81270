## Zalo channel: strings only Zalo uses
zalo-unsupported = Sorry, Zalo does not pass this message on to the bot (the account is protected). Please ask your village's study-promotion collaborator for help.
zalo-error = Sorry, something went wrong with that message. Please try again in a few minutes.
zalo-photo-unavailable = (The picture cannot be sent on Zalo. Please see it on Telegram.)
zalo-document-unavailable = (Zalo cannot send the file "{$filename}". Please open the bot on Telegram or ask the administrator for the file.)

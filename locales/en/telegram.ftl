## Telegram channel: strings only Telegram uses
telegram-command-start = Start, back to the main menu
telegram-command-menu = Main menu
telegram-command-help = How to use the bot
telegram-share-contact = 📱 Share my phone number
telegram-stale-button = This button can no longer be used.
telegram-error = Sorry, something went wrong with that message. Please try again in a few minutes.
telegram-command-report = Progress report (commune chair)
telegram-command-mydata = See your family's data
telegram-command-delete = Delete your family's data

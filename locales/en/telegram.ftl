## Telegram channel: strings only Telegram uses
telegram-command-start = Start, back to the main menu
telegram-command-menu = Main menu
telegram-command-help = How to use the bot
telegram-share-contact = 📱 Share my phone number
telegram-stale-button = This button is out of date.
telegram-error = Sorry, something went wrong with that message. Please try again in a few minutes.
telegram-command-report = Progress report (commune chair)

## Questions
question-progress = Question {$number}/{$total}
question-current = Previous answer: {$answer}
question-reply-choice = Please reply {$count ->
    [2] 1 or 2
    [3] 1, 2 or 3
   *[other] with a number from 1 to {$count}
}.
question-reply-many = You may pick several, e.g. "1, 3". Type "none" if none apply.
question-reply-number = Please reply with a number.
question-evidence = You may send a photo as evidence before answering{$count ->
    [0] .
   *[other] {" "}({$count} so far).
}
question-optional = This question is optional: type "skip" if unsure.
question-nav-words = Type "back" to change the previous answer, "save" to pause.

answer-none = (not answered)
answer-none-selected = None
answer-skipped = (skipped)
answer-missing = (not answered)

## Buttons
button-back = ◀ Back
button-skip = Skip
button-save = 💾 Save
button-submit = ✅ Submit
button-change = Change {$number}
button-done = ✅ Done
button-page-previous = ◀ Previous
button-page-next = Next ▶
options-page = (Page {$page}/{$pages}: items {$first}–{$last} of {$total})

## Review
review-title = Please review your answers:
review-prefilled = (automatic)
review-evidence = 📷 {$count}
review-evidence-total = Evidence photos: {$count}.
review-missing = {$count} question(s) still unanswered.
review-instructions = Type a number to change that answer, or "submit" to send.

## Rejected answers
rejected-prefix = Sorry, the bot did not understand that answer.
rejected-empty = Please type an answer.
rejected-not-a-number = Please answer with a number (e.g. 3).
rejected-not-a-whole-number = Please type a whole number (e.g. 3).
rejected-too-small = That number is too small. The smallest is {$min}.
rejected-too-large = That number is too large. The largest is {$max}.
rejected-too-long = That answer is too long (at most {$max} characters).
rejected-no-letters = A name needs letters, not only numbers or symbols. Please type the name again.
rejected-unknown-choice = Sorry, I did not understand. Please pick a number from 1 to {$count}.
rejected-constraint = That answer is not valid. Please check it.
rejected-not-text = Please answer this question with text or a number.
rejected-cannot-skip = This question is required and cannot be skipped.
rejected-no-previous = This is the first question.
rejected-no-evidence-here = This question does not take an evidence photo.
rejected-review-choice = Please type the number of the answer to change, or "submit".
rejected-unanswered = {$count} question(s) are still unanswered. Please answer them before submitting.
rejected-locked = This was filled in by the system and cannot be changed here. If it is wrong, please tell your collaborator.
rejected-stale = That button can no longer be used. Here is the current question:

evidence-received = Evidence photo received ({$count} in all) for: {$question}

## Result
result-title = 📋 Self-assessment result
result-criterion = Criterion {$id} – {$name}: {$points}/{$max} points
result-criterion-provisional = Criterion {$id} – {$name}: {$points}/{$max} points (provisional)
result-total = Total: {$points}/{$max} points (passes at {$threshold} or more)
result-passed = Preliminary: PASSES "{$title}".
result-not-passed = Preliminary: does NOT yet pass "{$title}", because:
result-failed-total-below-min = The total is {$points}; at least {$required} is needed.
result-failed-criterion-below-min = Criterion {$target} has {$points} points; at least {$required} is needed.
result-failed-indicator-below-min = Indicator {$target} has {$points} points; at least {$required} is needed.
result-failed-mandatory = Indicator {$target} is mandatory and not met.
result-failed-unanswered = Indicator {$target} has no answer.
result-provisional = Note: some indicators are provisional until the study-promotion association issues the official criteria.
result-provisional-rule = Note: the pass mark ({$threshold} points) is provisional, not yet checked against the official text.
result-preliminary = This result is preliminary until the collaborator verifies it.
result-next-collaborator = This result is preliminary. The form is now under "Waiting for verification": once you have checked it, choose "Verify" to pass it to the commune association.

assessment-paused = Saved. When convenient, choose "Continue…" in the menu to pick up at the same question.
assessment-already-submitted = This assessment has already been submitted.
assessment-resumed = Continuing the assessment in progress:

## Menu
menu-title = Hello {$name}! Please choose:
menu-household = Assess a household
menu-clan = Assess a clan
menu-continue = Continue an unfinished form ({$count})
menu-language = Tiếng Việt
menu-reply = Please reply with the number.
menu-unknown = Sorry, I did not understand. Please pick a number from the list.
menu-no-drafts = There are no drafts yet.
pick-village = Which village does the household live in?
pick-draft = Which assessment do you want to continue?
draft-household = Household {$name} — {$village}
draft-clan = Clan {$name}
draft-unnamed = (no name yet)
language-changed = Switched to English.
not-registered = Hello! This account has not been invited yet. Please ask your village study-promotion collaborator for a link or QR code.
help = A short guide:
    • Each message is one question; answer with a number or words, with or without diacritics.
    • "back": change the previous answer; "skip": skip an optional question; "review": see your answers; "save": pause.
help-commands = Commands:
help-command-join = • Type the invite code (printed under the QR code) to join.
help-command-menu = • /menu: back to the main menu.
help-command-mydata = • /mydata: see what the association stores about your family.
help-command-delete = • /delete: delete your family's data.
help-command-report = • /report: the commune's progress report; add "day", "month" or "year" for another period.
help-command-web = • /web: open the progress page on a phone or computer (a one-time link).
help-command-help = • /help: show this guide.
command-unknown = Sorry, the bot does not know that command. Type /help to see the commands.

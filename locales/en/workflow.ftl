## Joining
invite-invalid = This invite code can no longer be used (wrong, expired or already used). Please ask your village collaborator for a new one.
invite-too-many = The invite code was wrong several times. Please ask your village study-promotion collaborator for the right code. You can send a code again from {$time}.
invite-already-joined = This account has already joined.
join-welcome = Hello! You are invited to join as {$role ->
        [chair] chair of the study-promotion association of {$place}
       *[other] {$role_name} in {$place}
    }.
join-ask-name = Please type your full name:
join-name-invalid = Please type a full name (2 to 100 characters).
join-name-no-letters = A full name needs letters, not only numbers or symbols. Please type the full name again.
join-ask-phone = Please share a phone number so the association can reach you (optional: type "skip").
join-phone-invalid = That phone number does not look right. Please type it again (e.g. 0912 345 678) or "skip".
join-done = You have joined. Thank you!
join-consent = Hello! The study-promotion association of {$commune} invites your family to self-assess for the "Learning Family" title.
    For this it needs: the head of household's name, the village, the number of members and your answers to the criteria.
    The information is used only for the title and seen only by the commune's study-promotion staff. You can see it and ask for its deletion at any time (/mydata or /delete).
    Does your family agree?
join-agree = I agree
join-decline = I do not agree
join-declined = That is fine. Nothing has been stored. If you change your mind, open the link or send the code again.
join-ask-head-name = Please type the full name of the head of household:
join-confirm-village = Does the family live in {$village}?
join-yes = Yes
join-other-village = No, choose another village
join-household-done = Household {$name} is registered. Let us start the self-assessment:
role-collaborator = study-promotion collaborator
role-chair = chair of the commune study-promotion association
role-household = household
role-admin = administrator
account-disabled = This account is suspended. Please contact the commune association.
not-allowed = You are not allowed to do this.

## Menus by role
menu-self-assess = Self-assessment {$year}
menu-continue-own = Continue the self-assessment
menu-fix = The form needs additions or changes
menu-result = See the result ({$status})
menu-mydata = See my family's data
menu-delete = Delete my family's data
menu-verify = Waiting for verification ({$count})
menu-returned = Returned assessments ({$count})
menu-duplicates = Possible duplicate households
menu-propose = Propose for recognition ({$count} verified)
menu-proposed = Proposed list ({$count})
menu-decide = Record the recognition decision
menu-rejected = Not recognised ({$count})
menu-report = Progress report

## Status
status-draft = In progress
status-submitted = Submitted, waiting for verification
status-verified = Verified
status-returned = Needs additions or changes
status-proposed = Proposed for recognition
status-recognised = Recognised
status-rejected = Not recognised
status-changed-meanwhile = Someone else has just handled this assessment (now: {$status}).

## Lists and actions
queue-empty = There is nothing here right now.
queue-back = ◀ Back to the menu
queue-title-verify = Waiting for verification ({$count}):
queue-title-returned = Returned ({$count}):
queue-title-propose = Verified ({$count}):
queue-title-proposed = Proposed for recognition ({$count}):
queue-title-rejected = Not recognised ({$count}):
queue-propose-all = Propose all ({$count})
proposed-all = {$count} assessments proposed for recognition.
item-what-next = What would you like to do?
action-verify = ✅ Verify
action-return = ↩ Return for changes
action-propose = Propose for recognition
action-reject = ✖ Do not recognise
action-reopen = Reopen to fix
action-answers = See the answers
answers-title = Answers:
done-verify = Verified.
done-return = Returned with your comment.
done-propose = Added to the proposed list.
done-reject = Recorded as not recognised.
done-reopen = Reopened.
ask-return-comment = Please say what needs changing (sent to whoever filled it in):
ask-reject-comment = Please give the reason:
ask-return-more-evidence = Or type 1 to choose "More evidence photos needed".
return-more-evidence = More evidence photos needed
return-more-evidence-note = More evidence photos are needed. Please send photos at the questions that say "You may send a photo as evidence".
item-evidence-title = Evidence photos: {$count}, sent below.
item-evidence-line = 📷 {$count ->
    [one] 1 photo
   *[other] {$count} photos
} – Question {$number}: {$question}
item-evidence-caption = Question {$number}: {$question}
item-evidence-none = The form has no evidence photos yet.
comment-required = A comment is needed (at least 3 characters).
card-comment = Comment: {$comment}
card-decision = Decision no. {$number} of {$date}
returned-comment = Returned with this comment: {$comment}

## Recognition decision
ask-decision-number = {$count} assessments are on the proposed list. Please type the decision number (e.g. 15/QĐ-UBND), or "cancel":
ask-decision-number-again = Please type the decision number (2 to 100 characters), or "cancel".
ask-decision-date = Please type the date it was signed (day/month/year, e.g. {$today}), or "today":
ask-decision-date-again = That date is not valid. Please use day/month/year, not after today.
decision-recorded = Decision no. {$number} of {$date} recorded for {$count} assessments.

## Duplicates
duplicates-none = No duplicate households found.
duplicates-title = Households with the same head's name in the same village. Choose one to merge into the earliest:
duplicate-group = {$name} — {$village} ({$count} households)
duplicates-merged = The duplicates were merged.

## Clans
clan-members-ask = Please type the name of the head of each registered member household (diacritics optional), one at a time. Type "done" to start the assessment.
clan-member-not-found = No household "{$name}" found. Type another name, or "done".
clan-member-pick = Several households match. Please choose:
clan-member-added = Household {$name} added. The clan has {$count} linked households. Type another name, or "done".
clan-members-counted = Counted from {$members} member households: {$holders} hold "Learning Family".

## Personal data
privacy-households-only = This is for registered households.
privacy-nothing-stored = The bot has not stored anything about you.
privacy-data-title = What the association stores about your family:
privacy-data-name = • Head of household: {$name}
privacy-data-village = • Village: {$village}
privacy-data-phone = • Phone: {$phone}
privacy-data-assessment = • Assessment {$year}: {$status}
privacy-data-footer = To delete it, type /delete.
privacy-delete-confirm = Deleting removes your family's names, phone number, evidence photos and written answers; only anonymous statistics remain. Once deleted, it cannot be brought back. Are you sure?
privacy-delete-yes = Delete my data
privacy-delete-no = No, keep it
privacy-deleted = Your family's data has been deleted. Thank you for taking part.

## Notices to others
notice-submitted = {$name} has submitted a self-assessment. See "Waiting for verification".
notice-verify = The self-assessment of {$name} has been verified by the collaborator.
notice-returned = The assessment of {$name} needs additions or changes: {$comment}
notice-recognise = Congratulations! {$name} has been recognised as {$title ->
        [clan] "Learning Clan"
        [village] "Learning Community"
        [citizen] "Learning Citizen"
        [unit] "Learning Unit"
       *[other] "Learning Family"
    } for {$year} (decision no. {$number} of {$date}).
notice-rejected = This year the household of {$head} has not been recognised as {$title ->
        [clan] "Learning Clan"
        [village] "Learning Community"
        [citizen] "Learning Citizen"
        [unit] "Learning Unit"
       *[other] "Learning Family"
    }. Reason: {$comment}
    Your family can ask the collaborator how to prepare for next year.
notice-rejected-collaborator = {$name} was not recognised as {$title ->
        [clan] "Learning Clan"
        [village] "Learning Community"
        [citizen] "Learning Citizen"
        [unit] "Learning Unit"
       *[other] "Learning Family"
    } for {$year}. Reason: {$comment}
notice-duplicate = Household {$name} ({$village}) has just registered and may duplicate an existing one. See "Possible duplicate households".
points-short = {$points} points

## Graded results (C1: packs with several grades)
result-passed-grade = Preliminary: PASSES "{$title}", graded {$grade}.

## People, villages and units assessed (C2)
role-citizen = person assessing themselves for "Learning Citizen"
role-unit_head = head of the unit
role-village_head = village head
draft-village = Learning community of {$village}
draft-unit = Unit {$name}
draft-citizen = {$name} — {$place}
menu-village = Assess the village for "Learning Community"
menu-invite-member = Invite an adult of the family to assess themselves for "Learning Citizen"
menu-invite-staff = Invite staff to assess themselves for "Learning Citizen"
menu-invite-unit-head = Invite a unit's head
menu-invite-village-head = Invite a village head to assess "Learning Community"
menu-mydata-citizen = See my data
menu-delete-citizen = Delete my data
invite-ask-household = Please type the name of the head of household (diacritics optional):
invite-ask-member-name = Please give the full name of the person invited (an adult of the family):
invite-pick-unit = Invite the head of which unit?
invite-no-units = The commune has no list of units yet. Please ask the administrator to import it.
invite-made-member = An invite code for {$name}: {$code}. It can be used once; please pass it on.
invite-made-staff = A shared invite code for the staff of {$name}: {$code}. Each person opens the link or sends the code, then gives their name.
invite-made-unit-head = An invite code for the head of {$name}: {$code}. It can be used once.
invite-made-village-head = An invite code for the head of {$name}: {$code}. It can be used once.
invite-telegram-link = • On Telegram, open: {$link}
invite-zalo-code = • On Zalo, send the code {$code} to the study-promotion bot.
join-consent-citizen = Hello! The study-promotion association of {$commune} invites {$name} ({$place}) to assess themselves for "Learning Citizen".
    For this the association needs: your name, your year of birth, where you live or work, and your answers to the criteria.
    The information is used only for the title and seen only by the association's officers. You can see it and ask for its deletion at any time (/mydata or /delete).
    Do you agree?
join-consent-staff = Hello! The study-promotion association of {$commune} invites the staff of {$place} to assess themselves for "Learning Citizen".
    For this the association needs: your name, your year of birth, where you work, and your answers to the criteria.
    The information is used only for the title and seen only by the association's officers. You can see it and ask for its deletion at any time (/mydata or /delete).
    Do you agree?
join-citizen-done = Thank you, {$name} is registered. Please start the self-assessment:
join-ask-birth-year = What year were you born? Please type the year in 4 digits, for example 1975.
join-birth-year-unclear = Sorry, the year is not clear. Please type your year of birth in 4 digits, for example 1975.
join-birth-year-future = The year {$year} has not come yet. Please type your year of birth again, for example 1975.
join-birth-year-too-old = {$year} does not look like a year of birth. Please check it and type it again, for example 1975.
join-under-age = "Learning Citizen" is for people aged {$age} and over, so you cannot be registered yet. When you are {$age}, {$by ->
        [household] your family
       *[unit] your unit
    } can invite you again. Thank you for your interest!
result-preliminary-chair = This result is preliminary until the commune association verifies it.
result-preliminary-unit-head = This result is preliminary until the head of the unit verifies it.
notice-verify-chair = The self-assessment of {$name} has been verified by the commune association.
notice-verify-unit-head = The self-assessment of {$name} has been verified by the head of the unit.
card-citizens = Adults holding "Learning Citizen": {$names} ({$count} of {$total} invited).
card-citizens-none = Adults holding "Learning Citizen": none yet ({$total} invited).
privacy-data-title-citizen = The data the association holds about you:
privacy-data-person = • Full name: {$name}
privacy-data-place = • Where you live or work: {$place}
privacy-data-birth-year = • Year of birth: {$year}

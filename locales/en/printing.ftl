## Printed papers: lists, the yearly summary, the province roll-up, the invite poster

printing-recipients = Recipients:
printing-sign-here = (Signature and full name)

# The title's name, as printed in the "Title" column and on sheet names.
printing-title = {$title ->
    [household] Learning Family
    [clan] Learning Clan
    [village] Learning Community
    [citizen] Learning Citizen
    [unit] Learning Unit
   *[other] {$title}
}
printing-col-subject = {$title ->
    [household] Head of household
    [clan] Clan
    [village] Village
    [citizen] Full name
    [unit] Unit
   *[other] Name
}
printing-col-subject-any = Head of household, clan, village or unit
printing-col-result = Result
printing-col-note = Notes
printing-col-pack = Criteria pack
printing-col-commune = Commune
printing-sheet-points = {$title} – points
printing-place = {$commune}, {$province}
printing-heading-list = “{$title}” ASSESSMENTS {$year}
printing-heading-points = “{$title}” POINTS IN DETAIL {$year}
printing-pack = “{$name}”, version {$version}
printing-packs = Scored with the criteria pack {$packs}.
printing-provisional-note = Note: in the criteria pack “{$pack}”, version {$version}, {$what ->
    [both] indicators {$indicators} and the pass mark are
    [rule] the pass mark is
   *[indicators] indicators {$indicators} are
} provisional, not yet checked against the original text.
printing-note-decision = decision {$number} of {$date}
printing-note-provisional = provisional points

## The yearly summary
printing-summary-due = Due before {$due}.
printing-summary-overdue = Overdue by {$days} days (due before {$due}).
printing-summary-part = {$key ->
    [household] Learning Family (households)
    [clan] Learning Clan (clans)
    [village] Learning Community (villages)
    [citizen] Learning Citizen (adults in households)
    [citizen_staff] Learning Citizen (unit staff)
    [unit] Learning Unit (units)
   *[other] {$key}
}
printing-summary-ready-overdue = Here is the {$year} yearly summary of {$commune}. It is {$days} days overdue (due before {$due}); please send it up soon.
printing-button-summary-overdue = 📄 Yearly summary (Excel) – overdue

## The province roll-up
printing-heading-province = “{$title}” BY COMMUNE {$year}
printing-rollup-sheet = {$key ->
    [household] Learning Family
    [clan] Learning Clan
    [village] Learning Community
    [citizen] Citizen (households)
    [citizen_staff] Citizen (unit staff)
    [unit] Learning Unit
   *[other] {$key}
}
printing-total-province = Whole province
printing-province-no-data = No commune yet.

## The heading of the province roll-up; the yearly summary's number
printing-issuer-province = STUDY PROMOTION ASSOCIATION OF {$province}
printing-number-summary = No.: …/BC-HKH
printing-signer-body = FOR THE EXECUTIVE BOARD
printing-signer-position = CHAIR
printing-recipient-file = Filed: office

## The invite poster (A4, for the village hall)
printing-poster-invite = FAMILIES ARE INVITED TO TAKE PART
printing-poster-title = “LEARNING FAMILY” {$year}
printing-poster-place = {$village}, {$commune}
printing-poster-what = “Learning Family” is the title the Study Promotion Association gives to families whose children go to school, whose adults keep learning something new, and who care for learning together.
printing-poster-why = Take part to look at your children's learning and your own, get help from the village collaborator, and be considered for the title at the end of the year. Assessing yourselves on a phone takes about 10 minutes and costs nothing.
printing-poster-steps = Three steps to join
printing-poster-step-1 = 1. Open Telegram or Zalo on your phone.
printing-poster-step-2 = 2. Scan the QR code below, or send the code {$code} to the bot on Zalo.
printing-poster-step-3 = 3. Answer each question; the collaborator will verify it.
printing-poster-telegram = Telegram: scan this code
printing-poster-zalo = Zalo: scan this code, then send the code
printing-poster-zalo-code = Zalo: send this code to the bot
printing-poster-collaborator = Village collaborator: {$name}
printing-poster-no-collaborator = Village collaborator: ……………………………

## The commune's papers (bot/papers): the chat messages, and the text printed in the papers
## (Vietnamese by default; this English text is for a reader who asks for it).

## Letterhead defaults
paper-association = Study Promotion Association of { $commune }
paper-people-committee = People's Committee of { $commune }
paper-village-body = { $village }
paper-signer-association = ON BEHALF OF THE EXECUTIVE BOARD|CHAIR
paper-signer-committee = ON BEHALF OF THE PEOPLE'S COMMITTEE|CHAIR
paper-signer-village = VILLAGE HEAD
paper-number-report = No.: …/TTr-HKH
paper-number-list = No.: …/DS-HKH
paper-number-decision-commune = No.: …/QĐ-UBND
paper-number-decision-village = No.: …/QĐ-TH
paper-recipients-report = People's Committee of { $commune } (for consideration);|Provincial Study Promotion Association (for information);|Archive.
paper-recipients-list = As above;|Archive.
paper-recipients-decision = As in Article 3;|Study Promotion Association of { $commune };|Archive.
paper-recipients-label = Recipients:
paper-sign-hint = (Signature and full name)
paper-sign-hint-seal = (Signature and seal)

## Titles
paper-title-household = Learning Family
paper-title-clan = Learning Clan
paper-title-village = Learning Community
paper-title-citizen = Learning Citizen
paper-title-unit = Learning Unit
paper-subject-household = households
paper-subject-clan = clans
paper-subject-village = villages
paper-subject-citizen = citizens
paper-subject-unit = units
paper-name-column-household = Head of household
paper-name-column-clan = Clan
paper-name-column-village = Village
paper-name-column-citizen = Full name
paper-name-column-unit = Unit

## 1. Proposal
paper-report-kind = PROPOSAL
paper-report-about = Proposing recognition as “{ $title }” for { $year }
paper-report-to = To: { $body }
paper-report-basis = Based on the criteria for the title “{ $title }” ({ $pack }) and on the self-assessments checked and verified by the village branches in { $year },
paper-report-intro = { $issuer } proposes that { $body } recognise { $count } { $subject } as “{ $title }” for { $year }, as follows:
paper-report-table-village = Village
paper-report-table-total = All { $subject }
paper-report-table-assessed = Assessed
paper-report-table-proposed = Proposed
paper-report-table-share = Share of all
paper-report-table-sum = Commune
paper-report-unknown-total = not known
paper-report-target = Target by { $target_year }: { $share } of { $subject } as “{ $title }”. If recognised, the commune reaches { $reached }.
paper-report-target-unknown = Target by { $target_year }: { $share } of { $subject } as “{ $title }”. The number of { $subject } of every village is not known yet, so the commune's share cannot be given.
paper-report-no-target = The commune has set no target for this title.
paper-report-provisional = Note: points marked “(provisional)” rest on indicators not yet confirmed in the official text of the criteria.
paper-report-closing = (List attached.) Submitted to { $body } for decision.

## 2. List
paper-list-kind = LIST
paper-list-about = Proposed for recognition as “{ $title }” for { $year }
paper-list-annex-of = (Attached to proposal No. …/TTr-HKH of { $date } by { $issuer })
paper-col-number = No.
paper-col-village = Village
paper-col-birth-year = Year of birth
paper-col-total = Points
paper-col-result = Result
paper-col-note = Note
paper-result-passed = Passed
paper-result-failed = Not passed
paper-result-unknown = Not scored
paper-note-recognised = Recognised (decision { $number }, { $date })
paper-note-recognised-no-number = Recognised
paper-note-proposed = Proposed
paper-list-count = In all: { $count } { $subject }.

## 3. Self-assessment form
paper-form-kind = SELF-ASSESSMENT FORM
paper-form-about = “{ $title }”, { $year }
paper-form-subject = { $column }: { $name }
paper-form-village = Village: { $village }
paper-form-head = Head: { $name }
paper-form-pack = Criteria: { $pack } (version { $version })
paper-form-col-indicator = Criterion, indicator
paper-form-col-answer = Answer
paper-form-col-max = Maximum
paper-form-col-points = Points
paper-form-criterion = Criterion { $id }. { $name }
paper-form-total = Total
paper-form-result = Result: { $result }, { $total }/{ $max } points{ $mark }.
paper-form-provisional = (provisional)
paper-form-filled = Filled in by: { $name } ({ $role }); submitted on { $date }.
paper-form-filled-unknown = Filled in by: unknown.
paper-form-verified = Checked and verified by: { $name }, on { $date }.
paper-form-not-verified = Not verified yet.
paper-form-role-household = the household itself
paper-form-role-collaborator = collaborator
paper-form-role-chair = chair
paper-form-role-admin = administrator
paper-form-role-other = user
paper-form-photos = Evidence photos
paper-form-no-photos = No evidence photos.
paper-form-photo-missing = The photo for “{ $question }” is not in the bot's photo store yet (not fetched from { $channel }).
paper-form-sign-head-household = Head of household
paper-form-sign-head-clan = Head of the clan's study-promotion board
paper-form-sign-head-village = Village head
paper-form-sign-head-citizen = The citizen
paper-form-sign-head-unit = Head of the unit
paper-form-sign-collaborator = Village collaborator
paper-form-not-applicable = Not applicable
paper-form-not-answered = Not answered
paper-form-profile = About

## 4. Draft decision
paper-decision-draft = DRAFT
paper-decision-kind = DECISION
paper-decision-about = Recognising the title “{ $title }” for { $year }
paper-decision-authority-commune = CHAIR OF THE PEOPLE'S COMMITTEE OF { $commune }
paper-decision-authority-village = HEAD OF { $village }
paper-decision-basis-1 = Pursuant to the Law on the Organisation of Local Government;
paper-decision-basis-2 = Pursuant to the criteria for the title “{ $title }” ({ $pack });
paper-decision-basis-3 = At the proposal of { $issuer } (proposal No. …/TTr-HKH of { $date }),
paper-decision-decides = DECIDES:
paper-decision-article-1 = Article 1. { $count } { $subject } are recognised as “{ $title }” for { $year } (list attached).
paper-decision-article-2 = Article 2. This decision takes effect on signing.
paper-decision-article-3 = Article 3. { $issuer }, the villages and the { $subject } named in Article 1 implement this decision.
paper-annex-kind = ANNEX
paper-annex-about = { $subject } recognised as “{ $title }” for { $year }
paper-annex-of = (Attached to decision No. …/{ $code } of { $year } by { $body })

## File names and chat
paper-file-report = to-trinh
paper-file-list = danh-sach-de-nghi
paper-file-forms = phieu-tu-danh-gia
paper-file-decision = du-thao-quyet-dinh
dossier-choose-title = The { $year } recognition dossier: choose a title.
dossier-title-button = { $title } ({ $count })
dossier-none = In { $year } no { $subject } have been proposed or recognised as “{ $title }” yet, so there is no dossier.
dossier-nothing = In { $year } nothing has been proposed for recognition yet.
dossier-ready = The { $year } recognition dossier “{ $title }” of { $commune }: { $count } { $subject }, each paper as a Word file (to edit) and a PDF (to print).
dossier-file-report = Proposal for recognition
dossier-file-list = List proposed for recognition
dossier-file-forms = Self-assessment form of each of the { $subject }
dossier-file-decision = Draft recognition decision, with its annex

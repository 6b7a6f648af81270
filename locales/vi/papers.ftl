## The commune's papers (bot/papers): the chat messages, and the Vietnamese administrative
## text printed in the papers themselves (Nghị định 30/2020/NĐ-CP).

## Letterhead defaults ($commune: "Xã Kim Liên"; upper-cased where printed)
paper-association = Hội Khuyến học { $commune }
paper-people-committee = Ủy ban nhân dân { $commune }
paper-village-body = { $village }
paper-signer-association = TM. BAN CHẤP HÀNH|CHỦ TỊCH
paper-signer-committee = TM. ỦY BAN NHÂN DÂN|CHỦ TỊCH
paper-signer-village = TRƯỞNG THÔN
paper-number-report = Số: …/TTr-HKH
paper-number-list = Số: …/DS-HKH
paper-number-decision-commune = Số: …/QĐ-UBND
paper-number-decision-village = Số: …/QĐ-TH
paper-recipients-report = UBND { $commune } (để xem xét);|Hội Khuyến học tỉnh (để báo cáo);|Lưu: VT, HKH.
paper-recipients-list = Như trên;|Lưu: VT, HKH.
paper-recipients-decision = Như Điều 3;|Hội Khuyến học { $commune };|Lưu: VT.
paper-recipients-label = Nơi nhận:
paper-sign-hint = (Ký, ghi rõ họ tên)
paper-sign-hint-seal = (Ký tên, đóng dấu)

## Titles (data: a title added to the bot adds its lines here)
paper-title-household = Gia đình học tập
paper-title-clan = Dòng họ học tập
paper-title-village = Cộng đồng học tập
paper-title-citizen = Công dân học tập
paper-title-unit = Đơn vị học tập
paper-subject-household = hộ gia đình
paper-subject-clan = dòng họ
paper-subject-village = thôn
paper-subject-citizen = công dân
paper-subject-unit = đơn vị
paper-name-column-household = Họ và tên chủ hộ
paper-name-column-clan = Tên dòng họ
paper-name-column-village = Tên thôn
paper-name-column-citizen = Họ và tên
paper-name-column-unit = Tên đơn vị

## 1. Tờ trình đề nghị công nhận
paper-report-kind = TỜ TRÌNH
paper-report-about = Về việc đề nghị công nhận danh hiệu “{ $title }” năm { $year }
paper-report-to = Kính gửi: { $body }
paper-report-basis = Căn cứ Bộ tiêu chí đánh giá, công nhận danh hiệu “{ $title }” ({ $pack }); căn cứ kết quả tự đánh giá và kiểm tra, xác nhận của các chi hội khuyến học thôn năm { $year },
paper-report-intro = { $issuer } kính trình { $body } xem xét, công nhận { $count } { $subject } đạt danh hiệu “{ $title }” năm { $year }, cụ thể như sau:
paper-report-table-village = Thôn
paper-report-table-total = Tổng số { $subject }
paper-report-table-assessed = Đã đánh giá
paper-report-table-proposed = Đề nghị công nhận
paper-report-table-share = Tỷ lệ so với tổng số
paper-report-table-sum = Toàn xã
paper-report-unknown-total = chưa có số liệu
paper-report-target = Chỉ tiêu đến năm { $target_year }: { $share } { $subject } đạt danh hiệu “{ $title }”. Nếu được công nhận, tỷ lệ của toàn xã đạt { $reached }.
paper-report-target-unknown = Chỉ tiêu đến năm { $target_year }: { $share } { $subject } đạt danh hiệu “{ $title }”. Chưa có tổng số { $subject } của tất cả các thôn nên chưa tính được tỷ lệ toàn xã.
paper-report-no-target = Xã chưa đặt chỉ tiêu cho danh hiệu này.
paper-report-provisional = Ghi chú: điểm có đánh dấu “(tạm tính)” dựa trên chỉ số chưa được xác nhận trong văn bản chính thức của bộ tiêu chí.
paper-report-closing = (Có danh sách kèm theo.) Kính trình { $body } xem xét, quyết định./.

## 2. Danh sách đề nghị công nhận
paper-list-kind = DANH SÁCH
paper-list-about = Đề nghị công nhận danh hiệu “{ $title }” năm { $year }
paper-list-annex-of = (Kèm theo Tờ trình số …/TTr-HKH ngày { $date } của { $issuer })
paper-col-number = STT
paper-col-village = Thôn
paper-col-birth-year = Năm sinh
paper-col-total = Tổng điểm
paper-col-result = Kết quả
paper-col-note = Ghi chú
paper-result-passed = Đạt
paper-result-failed = Chưa đạt
paper-result-unknown = Chưa chấm
paper-note-recognised = Đã công nhận (QĐ số { $number }, ngày { $date })
paper-note-recognised-no-number = Đã công nhận
paper-note-proposed = Đề nghị công nhận
paper-list-count = Tổng cộng: { $count } { $subject }.

## 3. Phiếu tự đánh giá
paper-form-kind = PHIẾU TỰ ĐÁNH GIÁ
paper-form-about = Danh hiệu “{ $title }” năm { $year }
paper-form-subject = { $column }: { $name }
paper-form-village = Thôn: { $village }
paper-form-head = Người đứng đầu: { $name }
paper-form-pack = Bộ tiêu chí: { $pack } (phiên bản { $version })
paper-form-col-indicator = Tiêu chí, chỉ số
paper-form-col-answer = Trả lời
paper-form-col-max = Điểm tối đa
paper-form-col-points = Điểm đạt
paper-form-criterion = Tiêu chí { $id }. { $name }
paper-form-total = Tổng cộng
paper-form-result = Kết quả: { $result }, { $total }/{ $max } điểm{ $mark }.
paper-form-provisional = (tạm tính)
paper-form-filled = Người điền phiếu: { $name } ({ $role }); nộp ngày { $date }.
paper-form-filled-unknown = Người điền phiếu: không rõ.
paper-form-verified = Người kiểm tra, xác nhận: { $name }, ngày { $date }.
paper-form-not-verified = Chưa có người kiểm tra, xác nhận.
paper-form-role-household = hộ tự đánh giá
paper-form-role-collaborator = cộng tác viên
paper-form-role-chair = chủ tịch hội
paper-form-role-admin = quản trị
paper-form-role-other = người dùng
paper-form-photos = Ảnh minh chứng
paper-form-no-photos = Không có ảnh minh chứng.
paper-form-photo-missing = Ảnh cho câu “{ $question }” chưa có trong kho ảnh của hệ thống (chưa tải về từ { $channel }).
paper-form-sign-head-household = Chủ hộ
paper-form-sign-head-clan = Trưởng ban khuyến học dòng họ
paper-form-sign-head-village = Trưởng thôn
paper-form-sign-head-citizen = Người tự đánh giá
paper-form-sign-head-unit = Thủ trưởng đơn vị
paper-form-sign-collaborator = Cộng tác viên chi hội
paper-form-not-applicable = Không áp dụng
paper-form-not-answered = Chưa trả lời
paper-form-profile = Thông tin chung

## 4. Dự thảo quyết định
paper-decision-draft = DỰ THẢO
paper-decision-kind = QUYẾT ĐỊNH
paper-decision-about = Về việc công nhận danh hiệu “{ $title }” năm { $year }
paper-decision-authority-commune = CHỦ TỊCH ỦY BAN NHÂN DÂN { $commune }
paper-decision-authority-village = TRƯỞNG { $village }
paper-decision-basis-1 = Căn cứ Luật Tổ chức chính quyền địa phương;
paper-decision-basis-2 = Căn cứ Bộ tiêu chí đánh giá, công nhận danh hiệu “{ $title }” ({ $pack });
paper-decision-basis-3 = Xét đề nghị của { $issuer } tại Tờ trình số …/TTr-HKH ngày { $date },
paper-decision-decides = QUYẾT ĐỊNH:
paper-decision-article-1 = Điều 1. Công nhận { $count } { $subject } đạt danh hiệu “{ $title }” năm { $year } (có danh sách kèm theo).
paper-decision-article-2 = Điều 2. Quyết định này có hiệu lực kể từ ngày ký.
paper-decision-article-3 = Điều 3. { $issuer }, các thôn và các { $subject } có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./.
paper-annex-kind = PHỤ LỤC
paper-annex-about = Danh sách { $subject } đạt danh hiệu “{ $title }” năm { $year }
paper-annex-of = (Kèm theo Quyết định số …/{ $code } ngày … tháng … năm { $year } của { $body })

## File names and chat
paper-file-report = to-trinh
paper-file-list = danh-sach-de-nghi
paper-file-forms = phieu-tu-danh-gia
paper-file-decision = du-thao-quyet-dinh
dossier-choose-title = Dạ, hồ sơ công nhận năm { $year }: chọn danh hiệu.
dossier-title-button = { $title } ({ $count })
dossier-none = Dạ, năm { $year } chưa có { $subject } nào được đề nghị hoặc công nhận danh hiệu “{ $title }”, nên chưa có hồ sơ.
dossier-nothing = Dạ, năm { $year } chưa có hồ sơ nào được đề nghị công nhận.
dossier-ready = Dạ, gửi hồ sơ công nhận “{ $title }” năm { $year } của { $commune }: { $count } { $subject }, mỗi văn bản một tệp Word (để sửa) và một tệp PDF (để in).
dossier-file-report = Tờ trình đề nghị công nhận
dossier-file-list = Danh sách đề nghị công nhận
dossier-file-forms = Phiếu tự đánh giá của từng { $subject }
dossier-file-decision = Dự thảo quyết định công nhận, kèm Phụ lục

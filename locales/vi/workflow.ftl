## Tham gia
invite-invalid = Dạ, mã mời này không còn dùng được (sai mã, đã hết hạn hoặc đã dùng). Vui lòng xin mã mới từ cộng tác viên khuyến học của thôn.
invite-too-many = Dạ, mã mời đã nhập sai nhiều lần. Vui lòng hỏi cộng tác viên khuyến học của thôn để lấy đúng mã. Từ {$time} có thể gửi lại mã.
invite-already-joined = Dạ, tài khoản này đã tham gia rồi.
join-welcome = Dạ, xin chào! Anh/chị được mời tham gia với vai trò {$role ->
        [chair] Chủ tịch Hội Khuyến học {$place}
       *[other] {$role_name} ở {$place}
    }.
join-ask-name = Vui lòng cho biết họ và tên của anh/chị:
join-name-invalid = Dạ, vui lòng nhập họ và tên (từ 2 đến 100 ký tự).
join-name-no-letters = Dạ, họ và tên cần có chữ, không chỉ có số hay ký hiệu. Vui lòng nhập lại họ và tên.
join-ask-phone = Vui lòng cho số điện thoại để Hội liên hệ khi cần (không bắt buộc: gõ “bỏ qua”).
join-phone-invalid = Dạ, số điện thoại chưa đúng. Vui lòng nhập lại (ví dụ 0912 345 678) hoặc gõ “bỏ qua”.
join-done = Dạ, đã tham gia thành công. Cảm ơn anh/chị!
join-consent = Dạ, xin chào! Hội Khuyến học {$commune} mời gia đình tự đánh giá danh hiệu “Gia đình học tập”.
    Để đánh giá, Hội cần: họ tên chủ hộ, thôn, số người trong gia đình và các câu trả lời theo bộ tiêu chí.
    Thông tin chỉ dùng để xét danh hiệu, chỉ cán bộ khuyến học của xã được xem. Gia đình có thể xem và yêu cầu xóa bất cứ lúc nào (gõ /dulieu hoặc /xoa).
    Gia đình có đồng ý không?
join-agree = Đồng ý
join-decline = Không đồng ý
join-declined = Dạ, không sao ạ. Chưa có thông tin nào được lưu. Khi nào đồng ý, vui lòng mở lại đường dẫn hoặc gửi lại mã.
join-ask-head-name = Vui lòng cho biết họ và tên chủ hộ:
join-confirm-village = Gia đình ở {$village}, đúng không ạ?
join-yes = Đúng
join-other-village = Không, chọn thôn khác
join-household-done = Dạ, đã đăng ký hộ {$name}. Mời gia đình bắt đầu tự đánh giá:
role-collaborator = cộng tác viên khuyến học
role-chair = Chủ tịch Hội Khuyến học xã
role-household = hộ gia đình
role-admin = quản trị viên
account-disabled = Dạ, tài khoản này đang tạm khóa. Vui lòng liên hệ Hội Khuyến học xã.
not-allowed = Dạ, anh/chị không có quyền làm việc này.

## Trình đơn theo vai trò
menu-self-assess = Tự đánh giá năm {$year}
menu-continue-own = Làm tiếp phiếu tự đánh giá
menu-fix = Phiếu cần bổ sung, sửa lại
menu-result = Xem kết quả ({$status})
menu-mydata = Xem dữ liệu của gia đình
menu-delete = Xóa dữ liệu của gia đình
menu-verify = Phiếu chờ xác nhận ({$count})
menu-returned = Phiếu bị trả lại ({$count})
menu-duplicates = Hộ có thể bị trùng
menu-propose = Đề nghị công nhận ({$count} phiếu đã xác nhận)
menu-proposed = Danh sách đề nghị ({$count})
menu-decide = Ghi quyết định công nhận
menu-rejected = Phiếu không công nhận ({$count})
menu-report = Báo cáo tiến độ

## Trạng thái
status-draft = Đang làm
status-submitted = Đã gửi, chờ xác nhận
status-verified = Đã xác nhận
status-returned = Cần bổ sung, sửa lại
status-proposed = Đã đề nghị công nhận
status-recognised = Đã được công nhận
status-rejected = Không được công nhận
status-changed-meanwhile = Dạ, phiếu này vừa được người khác xử lý (hiện: {$status}).

## Danh sách và thao tác
queue-empty = Dạ, hiện không có phiếu nào.
queue-back = ◀ Về trình đơn
queue-title-verify = Phiếu chờ xác nhận ({$count}):
queue-title-returned = Phiếu bị trả lại ({$count}):
queue-title-propose = Phiếu đã xác nhận ({$count}):
queue-title-proposed = Danh sách đề nghị công nhận ({$count}):
queue-title-rejected = Phiếu không được công nhận ({$count}):
queue-propose-all = Đề nghị công nhận tất cả ({$count})
proposed-all = Dạ, đã đề nghị công nhận {$count} phiếu.
item-what-next = Vui lòng chọn việc cần làm:
action-verify = ✅ Xác nhận
action-return = ↩ Trả lại để sửa
action-propose = Đề nghị công nhận
action-reject = ✖ Không công nhận
action-reopen = Mở lại để sửa
action-answers = Xem các câu trả lời
answers-title = Các câu trả lời:
done-verify = Dạ, đã xác nhận.
done-return = Dạ, đã trả lại kèm ghi chú.
done-propose = Dạ, đã đưa vào danh sách đề nghị.
done-reject = Dạ, đã ghi không công nhận.
done-reopen = Dạ, đã mở lại phiếu.
ask-return-comment = Vui lòng ghi rõ cần sửa gì (ghi chú sẽ gửi tới người làm phiếu):
ask-reject-comment = Vui lòng ghi lý do không công nhận:
ask-return-more-evidence = Hoặc gõ 1 để chọn “Cần thêm ảnh minh chứng”.
return-more-evidence = Cần thêm ảnh minh chứng
return-more-evidence-note = Cần thêm ảnh minh chứng. Vui lòng gửi ảnh ở các câu có ghi “Có thể gửi ảnh minh chứng”.
item-evidence-title = Ảnh minh chứng: {$count} ảnh, gửi kèm bên dưới.
item-evidence-line = 📷 {$count} ảnh – Câu {$number}: {$question}
item-evidence-caption = Câu {$number}: {$question}
item-evidence-none = Phiếu chưa có ảnh minh chứng.
comment-required = Dạ, cần ghi chú (ít nhất 3 ký tự).
card-comment = Ghi chú: {$comment}
card-decision = Quyết định số {$number} ngày {$date}
returned-comment = Phiếu được trả lại với ghi chú: {$comment}

## Quyết định công nhận
ask-decision-number = Dạ, có {$count} phiếu trong danh sách đề nghị. Vui lòng nhập số quyết định công nhận (ví dụ 15/QĐ-UBND), hoặc “hủy”:
ask-decision-number-again = Dạ, vui lòng nhập số quyết định (2 đến 100 ký tự), hoặc “hủy”.
ask-decision-date = Vui lòng nhập ngày ký quyết định (ngày/tháng/năm, ví dụ {$today}), hoặc “hôm nay”:
ask-decision-date-again = Dạ, ngày chưa đúng. Vui lòng nhập theo dạng ngày/tháng/năm, không sau hôm nay.
decision-recorded = Dạ, đã ghi Quyết định số {$number} ngày {$date} cho {$count} phiếu.

## Hộ trùng
duplicates-none = Dạ, chưa thấy hộ nào bị trùng.
duplicates-title = Các hộ có cùng tên chủ hộ trong cùng thôn. Chọn để gộp về hộ đăng ký trước:
duplicate-group = {$name} — {$village} ({$count} hộ)
duplicates-merged = Dạ, đã gộp các hộ trùng.

## Dòng họ
clan-members-ask = Dạ, vui lòng gõ tên chủ hộ của từng hộ thành viên đã đăng ký (không dấu cũng được), mỗi lần một tên. Gõ “xong” để bắt đầu đánh giá.
clan-member-not-found = Dạ, không tìm thấy hộ “{$name}”. Gõ tên khác, hoặc “xong”.
clan-member-pick = Dạ, có nhiều hộ trùng tên. Vui lòng chọn:
clan-member-added = Dạ, đã thêm hộ {$name}. Dòng họ có {$count} hộ đã liên kết. Gõ tên tiếp, hoặc “xong”.
clan-members-counted = Dạ, đã tính từ {$members} hộ thành viên: {$holders} hộ đạt “Gia đình học tập”.

## Dữ liệu cá nhân
privacy-households-only = Dạ, chức năng này dành cho hộ gia đình đã đăng ký.
privacy-nothing-stored = Dạ, bot chưa lưu thông tin nào về anh/chị.
privacy-data-title = Dữ liệu Hội đang lưu về gia đình:
privacy-data-name = • Chủ hộ: {$name}
privacy-data-village = • Thôn: {$village}
privacy-data-phone = • Điện thoại: {$phone}
privacy-data-assessment = • Phiếu năm {$year}: {$status}
privacy-data-footer = Muốn xóa, gõ /xoa.
privacy-delete-confirm = Dạ, xóa dữ liệu sẽ xóa họ tên, số điện thoại, ảnh minh chứng và các câu trả lời bằng chữ của gia đình; chỉ giữ số liệu thống kê không ghi tên. Đã xóa thì không lấy lại được. Gia đình chắc chắn muốn xóa?
privacy-delete-yes = Xóa dữ liệu
privacy-delete-no = Không, giữ lại
privacy-deleted = Dạ, đã xóa dữ liệu của gia đình. Cảm ơn gia đình đã tham gia.

## Thông báo gửi người khác
notice-submitted = {$name} vừa gửi phiếu tự đánh giá. Vào “Phiếu chờ xác nhận” để xem.
notice-verify = Phiếu tự đánh giá của {$name} đã được cộng tác viên xác nhận.
notice-returned = Phiếu của {$name} cần bổ sung, sửa lại: {$comment}
notice-recognise = Chúc mừng! {$name} đã được công nhận danh hiệu {$title ->
        [clan] “Dòng họ học tập”
        [village] “Cộng đồng học tập”
        [citizen] “Công dân học tập”
        [unit] “Đơn vị học tập”
       *[other] “Gia đình học tập”
    } năm {$year} (Quyết định số {$number} ngày {$date}).
notice-rejected = Năm nay hộ {$head} chưa được công nhận danh hiệu {$title ->
        [clan] “Dòng họ học tập”
        [village] “Cộng đồng học tập”
        [citizen] “Công dân học tập”
        [unit] “Đơn vị học tập”
       *[other] “Gia đình học tập”
    }. Lý do: {$comment}
    Gia đình có thể hỏi cộng tác viên để chuẩn bị cho năm sau.
notice-rejected-collaborator = {$name} không được công nhận danh hiệu {$title ->
        [clan] “Dòng họ học tập”
        [village] “Cộng đồng học tập”
        [citizen] “Công dân học tập”
        [unit] “Đơn vị học tập”
       *[other] “Gia đình học tập”
    } năm {$year}. Lý do: {$comment}
notice-duplicate = Hộ {$name} ({$village}) vừa đăng ký, có thể trùng với hộ đã có. Vào “Hộ có thể bị trùng” để kiểm tra.
points-short = {$points} điểm

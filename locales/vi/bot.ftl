## Câu hỏi
question-progress = Câu {$number}/{$total}
question-current = Câu trả lời trước: {$answer}
question-reply-choice = Vui lòng trả lời {$count ->
    [2] 1 hoặc 2
    [3] 1, 2 hoặc 3
   *[other] bằng số từ 1 đến {$count}
}.
question-reply-many = Có thể chọn nhiều số, ví dụ “1, 3”. Gõ “không” nếu không có.
question-reply-number = Vui lòng trả lời bằng số.
question-evidence = Có thể gửi ảnh minh chứng trước khi trả lời{$count ->
    [0] .
   *[other] {" "}(đã có {$count} ảnh).
}
question-optional = Câu này không bắt buộc: gõ “bỏ qua” nếu chưa rõ.
question-nav-words = Gõ “quay lại” để sửa câu trước, “lưu” để tạm dừng.

answer-none = (chưa trả lời)
answer-none-selected = Không có
answer-skipped = (bỏ qua)
answer-missing = (chưa trả lời)

## Nút bấm
button-back = ◀ Quay lại
button-skip = Bỏ qua
button-save = 💾 Lưu
button-submit = ✅ Gửi kết quả
button-change = Sửa {$number}
button-done = ✅ Xong
button-page-previous = ◀ Trang trước
button-page-next = Trang sau ▶
options-page = (Trang {$page}/{$pages}: mục {$first}–{$last} trong {$total})

## Xem lại
review-title = Dạ, vui lòng xem lại các câu trả lời:
review-prefilled = (tự động)
review-evidence = 📷 {$count}
review-evidence-total = Ảnh minh chứng: {$count} ảnh.
review-missing = Còn {$count} câu chưa trả lời.
review-instructions = Gõ số thứ tự để sửa một câu, hoặc “gửi” để gửi kết quả.

## Từ chối câu trả lời
rejected-prefix = Dạ, bot chưa hiểu câu trả lời này ạ.
rejected-empty = Dạ, vui lòng nhập câu trả lời.
rejected-not-a-number = Dạ, vui lòng trả lời bằng một con số (ví dụ: 3).
rejected-not-a-whole-number = Dạ, vui lòng nhập số nguyên (ví dụ: 3).
rejected-too-small = Dạ, số này nhỏ quá. Số nhỏ nhất là {$min}.
rejected-too-large = Dạ, số này lớn quá. Số lớn nhất là {$max}.
rejected-too-long = Dạ, câu trả lời dài quá (tối đa {$max} ký tự).
rejected-no-letters = Dạ, tên cần có chữ, không chỉ có số hay ký hiệu. Vui lòng nhập lại tên.
rejected-unknown-choice = Dạ, chưa rõ ý ạ. Vui lòng chọn một số từ 1 đến {$count}.
rejected-constraint = Dạ, câu trả lời này chưa hợp lệ. Vui lòng kiểm tra lại.
rejected-not-text = Dạ, ở câu này vui lòng trả lời bằng chữ hoặc số.
rejected-cannot-skip = Dạ, câu này bắt buộc, không bỏ qua được.
rejected-no-previous = Dạ, đây là câu đầu tiên.
rejected-no-evidence-here = Dạ, câu này không cần ảnh minh chứng.
rejected-review-choice = Dạ, vui lòng gõ số thứ tự câu cần sửa, hoặc “gửi”.
rejected-unanswered = Dạ, còn {$count} câu chưa trả lời. Vui lòng trả lời trước khi gửi.
rejected-locked = Dạ, thông tin này do hệ thống ghi sẵn, không sửa ở đây được. Nếu sai, vui lòng báo cộng tác viên.
rejected-stale = Dạ, nút này không còn dùng được nữa. Mời trả lời câu hiện tại:

evidence-received = Dạ, đã nhận ảnh minh chứng ({$count} ảnh) cho câu: {$question}

## Kết quả
result-title = 📋 Kết quả tự đánh giá
result-criterion = Tiêu chí {$id} – {$name}: {$points}/{$max} điểm
result-criterion-provisional = Tiêu chí {$id} – {$name}: {$points}/{$max} điểm (tạm tính)
result-total = Tổng: {$points}/{$max} điểm (đạt từ {$threshold} điểm trở lên)
result-passed = Sơ bộ: ĐẠT danh hiệu “{$title}”.
result-not-passed = Sơ bộ: CHƯA ĐẠT danh hiệu “{$title}”, vì:
result-failed-total-below-min = Tổng điểm {$points}, cần ít nhất {$required}.
result-failed-criterion-below-min = Tiêu chí {$target} được {$points} điểm, cần ít nhất {$required}.
result-failed-indicator-below-min = Chỉ số {$target} được {$points} điểm, cần ít nhất {$required}.
result-failed-mandatory = Chỉ số {$target} là bắt buộc nhưng chưa đạt.
result-failed-unanswered = Chỉ số {$target} chưa có câu trả lời.
result-provisional = Lưu ý: bộ tiêu chí còn một số chỉ số tạm thời, chờ Hội Khuyến học ban hành bộ tiêu chí chính thức.
result-provisional-rule = Lưu ý: mức điểm để đạt ({$threshold} điểm) là tạm thời, chưa đối chiếu với văn bản gốc.
result-preliminary = Đây là kết quả sơ bộ, chờ cộng tác viên xác nhận.
result-next-collaborator = Đây là kết quả sơ bộ. Phiếu đã vào mục “Phiếu chờ xác nhận”: khi đã kiểm tra lại, anh/chị chọn “Xác nhận” để gửi lên Hội Khuyến học xã.

assessment-paused = Dạ, đã lưu. Khi nào tiện, chọn “Làm tiếp…” trong trình đơn để làm tiếp đúng câu đang dở.
assessment-already-submitted = Dạ, phiếu này đã gửi rồi.
assessment-resumed = Dạ, làm tiếp phiếu đang dở:

## Trình đơn
menu-title = Dạ, xin chào {$name}! Vui lòng chọn:
menu-household = Đánh giá hộ gia đình
menu-clan = Đánh giá dòng họ
menu-continue = Làm tiếp phiếu đang dở ({$count})
menu-language = English
menu-reply = Vui lòng trả lời bằng số thứ tự.
menu-unknown = Dạ, chưa rõ lựa chọn. Vui lòng chọn một số trong danh sách.
menu-no-drafts = Dạ, hiện chưa có bản nháp nào.
pick-village = Dạ, hộ gia đình ở thôn nào?
pick-draft = Dạ, chọn phiếu muốn làm tiếp:
draft-household = Hộ {$name} — {$village}
draft-clan = Dòng họ {$name}
draft-unnamed = (chưa có tên)
language-changed = Dạ, đã chuyển sang tiếng Việt.
not-registered = Dạ, xin chào! Tài khoản này chưa được mời tham gia. Vui lòng liên hệ cộng tác viên khuyến học của thôn để nhận đường dẫn hoặc mã QR.
help = Dạ, hướng dẫn ngắn:
    • Mỗi tin nhắn là một câu hỏi; trả lời bằng số hoặc bằng chữ, có dấu hay không dấu đều được.
    • “quay lại”: sửa câu trước; “bỏ qua”: bỏ qua câu không bắt buộc; “xem lại”: xem các câu đã trả lời; “lưu”: tạm dừng.
help-commands = Các lệnh:
help-command-join = • Gõ mã mời (in dưới mã QR) để tham gia.
help-command-menu = • /menu: về trình đơn chính.
help-command-mydata = • /dulieu: xem dữ liệu Hội đang lưu về gia đình.
help-command-delete = • /xoa: xóa dữ liệu của gia đình.
help-command-report = • /baocao: báo cáo tiến độ của xã; thêm “ngày”, “tháng” hoặc “năm” để xem kỳ khác.
help-command-web = • /web: mở trang theo dõi trên điện thoại hoặc máy tính (đường dẫn dùng một lần).
help-command-help = • /help: xem hướng dẫn này.
command-unknown = Dạ, bot chưa biết lệnh này. Gõ /help để xem các lệnh.

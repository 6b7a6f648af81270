## Giấy tờ in: danh sách, báo cáo năm, tổng hợp toàn tỉnh, áp phích mời tham gia

printing-recipients = Nơi nhận:
printing-sign-here = (Ký, ghi rõ họ tên)

# Tên danh hiệu, như in trong cột “Danh hiệu” và trên tên trang tính.
printing-title = {$title ->
    [household] Gia đình học tập
    [clan] Dòng họ học tập
    [village] Cộng đồng học tập
    [citizen] Công dân học tập
    [unit] Đơn vị học tập
   *[other] {$title}
}
printing-col-subject = {$title ->
    [household] Họ và tên chủ hộ
    [clan] Tên dòng họ
    [village] Tên thôn
    [citizen] Họ và tên
    [unit] Tên đơn vị
   *[other] Tên
}
printing-col-subject-any = Họ và tên chủ hộ, tên dòng họ, thôn, đơn vị
printing-col-result = Kết quả
printing-col-note = Ghi chú
printing-col-pack = Bộ tiêu chí
printing-col-commune = Xã, phường
printing-sheet-points = {$title} – điểm
printing-place = {$commune}, {$province}
printing-heading-list = DANH SÁCH ĐÁNH GIÁ “{$title}” NĂM {$year}
printing-heading-points = BẢNG ĐIỂM CHI TIẾT “{$title}” NĂM {$year}
printing-pack = “{$name}”, phiên bản {$version}
printing-packs = Chấm theo bộ tiêu chí {$packs}.
printing-provisional-note = Lưu ý: bộ tiêu chí “{$pack}”, phiên bản {$version}, có {$what ->
    [both] chỉ số {$indicators} và mức điểm để đạt
    [rule] mức điểm để đạt
   *[indicators] chỉ số {$indicators}
} còn tạm thời, chưa đối chiếu với văn bản gốc.
printing-note-decision = QĐ số {$number} ngày {$date}
printing-note-provisional = điểm tạm tính

## Báo cáo năm
printing-summary-due = Hạn gửi: trước ngày {$due}.
printing-summary-overdue = Đã quá hạn {$days} ngày (hạn gửi: trước ngày {$due}).
printing-summary-part = {$key ->
    [household] Gia đình học tập (hộ)
    [clan] Dòng họ học tập (dòng họ)
    [village] Cộng đồng học tập (thôn)
    [citizen] Công dân học tập (người lớn trong các hộ)
    [citizen_staff] Công dân học tập (cán bộ, người lao động)
    [unit] Đơn vị học tập (đơn vị)
   *[other] {$key}
}
printing-summary-ready-overdue = Dạ, gửi báo cáo tổng hợp năm {$year} của {$commune}. Báo cáo này đã quá hạn {$days} ngày (hạn gửi: trước ngày {$due}), xin gửi lên cấp trên sớm.
printing-button-summary-overdue = 📄 Báo cáo năm (Excel) – quá hạn

## Tổng hợp toàn tỉnh
printing-heading-province = TỔNG HỢP KẾT QUẢ “{$title}” CÁC XÃ, PHƯỜNG NĂM {$year}
printing-rollup-sheet = {$key ->
    [household] Gia đình học tập
    [clan] Dòng họ học tập
    [village] Cộng đồng học tập
    [citizen] Công dân học tập (trong hộ)
    [citizen_staff] Công dân học tập (đơn vị)
    [unit] Đơn vị học tập
   *[other] {$key}
}
printing-total-province = Toàn tỉnh
printing-province-no-data = Chưa có xã, phường nào.

## Phần đầu giấy của bản tổng hợp toàn tỉnh; số của báo cáo năm
printing-issuer-province = HỘI KHUYẾN HỌC {$province}
printing-number-summary = Số: …/BC-HKH
printing-signer-body = TM. BAN CHẤP HÀNH
printing-signer-position = CHỦ TỊCH
printing-recipient-file = Lưu: VT

## Áp phích mời tham gia (in khổ A4, dán ở nhà văn hóa thôn)
printing-poster-invite = MỜI CÁC GIA ĐÌNH THAM GIA
printing-poster-title = “GIA ĐÌNH HỌC TẬP” NĂM {$year}
printing-poster-place = {$village}, {$commune}
printing-poster-what = “Gia đình học tập” là danh hiệu Hội Khuyến học trao cho gia đình có trẻ em đi học đầy đủ, người lớn chịu khó học thêm điều hay và cả nhà cùng chăm lo việc học.
printing-poster-why = Tham gia để cả nhà cùng nhìn lại việc học của con cháu và của mình, được cộng tác viên thôn giúp đỡ, và được xét công nhận danh hiệu cuối năm. Tự đánh giá trên điện thoại chừng 10 phút, không mất tiền.
printing-poster-steps = Ba bước tham gia
printing-poster-step-1 = 1. Mở Telegram hoặc Zalo trên điện thoại.
printing-poster-step-2 = 2. Quét mã QR bên dưới, hoặc gửi mã {$code} cho bot trên Zalo.
printing-poster-step-3 = 3. Trả lời từng câu hỏi; cộng tác viên sẽ xác nhận giúp.
printing-poster-telegram = Telegram: quét mã này
printing-poster-zalo = Zalo: quét mã này, rồi gửi mã
printing-poster-zalo-code = Zalo: gửi mã này cho bot
printing-poster-collaborator = Cộng tác viên thôn: {$name}
printing-poster-no-collaborator = Cộng tác viên thôn: ……………………………

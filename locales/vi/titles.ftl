## Kết quả xếp loại (C1: bộ tiêu chí có nhiều mức xếp loại)
result-passed-grade = Sơ bộ: ĐẠT danh hiệu “{$title}”, xếp loại {$grade}.

## Người, thôn và đơn vị được đánh giá (C2)
role-citizen = người tự đánh giá “Công dân học tập”
role-unit_head = thủ trưởng đơn vị
role-village_head = trưởng thôn
draft-village = Cộng đồng học tập {$village}
draft-unit = Đơn vị {$name}
draft-citizen = {$name} — {$place}
menu-village = Đánh giá “Cộng đồng học tập” của thôn
menu-invite-member = Mời người lớn trong gia đình tự đánh giá “Công dân học tập”
menu-invite-staff = Mời cán bộ, nhân viên tự đánh giá “Công dân học tập”
menu-invite-unit-head = Mời thủ trưởng đơn vị
menu-invite-village-head = Mời trưởng thôn đánh giá “Cộng đồng học tập”
menu-mydata-citizen = Xem dữ liệu của tôi
menu-delete-citizen = Xóa dữ liệu của tôi
invite-ask-household = Vui lòng gõ họ tên chủ hộ (có thể gõ không dấu):
invite-ask-member-name = Vui lòng cho biết họ và tên người được mời (người lớn trong gia đình):
invite-pick-unit = Mời thủ trưởng của đơn vị nào?
invite-no-units = Dạ, xã chưa có danh sách đơn vị. Vui lòng nhờ quản trị viên nhập danh sách đơn vị.
invite-made-member = Dạ, đã tạo mã mời cho {$name}: {$code}. Mã chỉ dùng được một lần, xin chuyển cho người được mời.
invite-made-staff = Dạ, đây là mã mời chung cho cán bộ, nhân viên của {$name}: {$code}. Mỗi người mở đường dẫn hoặc gửi mã rồi tự nhập họ tên.
invite-made-unit-head = Dạ, đã tạo mã mời thủ trưởng {$name}: {$code}. Mã chỉ dùng được một lần.
invite-made-village-head = Dạ, đã tạo mã mời trưởng thôn cho {$name}: {$code}. Mã chỉ dùng được một lần.
invite-telegram-link = • Trên Telegram, mở: {$link}
invite-zalo-code = • Trên Zalo, nhắn mã {$code} cho bot Hội Khuyến học.
join-consent-citizen = Dạ, xin chào! Hội Khuyến học {$commune} mời {$name} ({$place}) tự đánh giá danh hiệu “Công dân học tập”.
    Để đánh giá, Hội cần: họ tên, năm sinh, nơi sinh sống hoặc làm việc và các câu trả lời theo bộ tiêu chí.
    Thông tin chỉ dùng để xét danh hiệu, chỉ cán bộ khuyến học được xem. Anh/chị có thể xem và yêu cầu xóa bất cứ lúc nào (gõ /dulieu hoặc /xoa).
    Anh/chị có đồng ý không?
join-consent-staff = Dạ, xin chào! Hội Khuyến học {$commune} mời cán bộ, nhân viên của {$place} tự đánh giá danh hiệu “Công dân học tập”.
    Để đánh giá, Hội cần: họ tên, năm sinh, nơi làm việc và các câu trả lời theo bộ tiêu chí.
    Thông tin chỉ dùng để xét danh hiệu, chỉ cán bộ khuyến học được xem. Anh/chị có thể xem và yêu cầu xóa bất cứ lúc nào (gõ /dulieu hoặc /xoa).
    Anh/chị có đồng ý không?
join-citizen-done = Dạ, đã ghi tên {$name}. Mời anh/chị bắt đầu tự đánh giá:
join-ask-birth-year = Anh/chị sinh năm nào? Vui lòng nhập năm sinh đủ 4 chữ số, ví dụ: 1975.
join-birth-year-unclear = Dạ, chưa rõ năm sinh. Vui lòng nhập năm sinh đủ 4 chữ số, ví dụ: 1975.
join-birth-year-future = Dạ, năm {$year} chưa tới. Vui lòng nhập lại năm sinh, ví dụ: 1975.
join-birth-year-too-old = Dạ, năm sinh {$year} có lẽ chưa đúng. Vui lòng kiểm tra và nhập lại năm sinh, ví dụ: 1975.
join-under-age = Dạ, danh hiệu “Công dân học tập” dành cho người từ đủ {$age} tuổi trở lên, nên chưa đăng ký được. Khi đủ {$age} tuổi, {$by ->
        [household] gia đình
       *[unit] đơn vị
    } có thể mời lại để tự đánh giá. Cảm ơn đã quan tâm!
result-preliminary-chair = Đây là kết quả sơ bộ, chờ Hội Khuyến học xã xác nhận.
result-preliminary-unit-head = Đây là kết quả sơ bộ, chờ thủ trưởng đơn vị xác nhận.
notice-verify-chair = Phiếu tự đánh giá của {$name} đã được Hội Khuyến học xã xác nhận.
notice-verify-unit-head = Phiếu tự đánh giá của {$name} đã được thủ trưởng đơn vị xác nhận.
card-citizens = Người lớn đạt “Công dân học tập”: {$names} ({$count}/{$total} người đã mời).
card-citizens-none = Người lớn đạt “Công dân học tập”: chưa có ({$total} người đã mời).
privacy-data-title-citizen = Dữ liệu Hội đang lưu về anh/chị:
privacy-data-person = • Họ và tên: {$name}
privacy-data-place = • Nơi sinh sống, làm việc: {$place}
privacy-data-birth-year = • Năm sinh: {$year}

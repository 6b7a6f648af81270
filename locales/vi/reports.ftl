## Bản tin cho Chủ tịch Hội Khuyến học xã (issue 5)
digest-title = 📊 Báo cáo khuyến học — {$commune}
digest-period-day = 24 giờ qua, đến {$time} ngày {$date}
digest-period-week = 7 ngày qua: {$start} – {$end}
digest-period-month = Tháng {$month}, tính đến {$time} ngày {$date}
digest-period-year = Năm {$year}, tính đến {$time} ngày {$date}
digest-delta-note = Số trong ngoặc: tăng thêm trong kỳ.
digest-section-household = 🏠 Gia đình học tập
digest-section-clan = 👪 Dòng họ học tập
digest-registered = Đăng ký trên bot: {$count}{$delta}
digest-assessed = Đã đánh giá: {$count}{$delta}
digest-passing = Đạt sơ bộ: {$count}{$delta}
digest-verified = Đã xác nhận: {$count}{$delta}
digest-recognised = Được công nhận: {$count}{$delta}
digest-total-household = Tổng số hộ của xã: {$total}
digest-total-clan = Tổng số dòng họ của xã: {$total}
digest-share-household = Tỷ lệ công nhận: {$part}/{$total} hộ, {$share}
digest-share-clan = Tỷ lệ công nhận: {$part}/{$total} dòng họ, {$share}
digest-registration-household = Tỷ lệ đăng ký trên bot: {$part}/{$total} hộ, {$share}
digest-registration-clan = Tỷ lệ đăng ký trên bot: {$part}/{$total} dòng họ, {$share}
digest-share-unknown = Tỷ lệ công nhận của xã: chưa tính được
digest-missing-households = • Chưa có số hộ của {$village}: {$registered} hộ đăng ký trên bot
digest-missing-more = … và {$count} thôn khác
digest-missing-clans = Chưa có số dòng họ của {$villages}.
digest-target-unknown = Mục tiêu {$year}: {$target}, chưa tính được số còn thiếu
digest-lead-by = 🎯 Mục tiêu đến {$year}: {$targets}
digest-lead-year = 🎯 Mục tiêu năm {$year} của xã: {$targets}
digest-lead-past = 🎯 Mục tiêu {$year} (đã qua): {$targets}
digest-lead-household = {$target} hộ
digest-lead-clan = {$target} dòng họ
digest-lead-village = {$target} thôn
digest-share-none = Tỷ lệ công nhận: chưa có số liệu
digest-target-household = Mục tiêu {$year}: {$target}, còn thiếu {$missing} hộ
digest-target-clan = Mục tiêu {$year}: {$target}, còn thiếu {$missing} dòng họ
digest-target-met = Mục tiêu {$year}: {$target} ✅ đã đạt
digest-no-targets = Xã chưa đặt mục tiêu. Vui lòng nhờ quản trị viên nhập mục tiêu.
digest-behind-title = ⚠️ Thôn còn chậm (hộ được công nhận/tổng số hộ):
digest-behind-village = • {$village}: {$recognised}/{$total} hộ, {$share}
digest-waiting-title = ⏳ Chờ xác nhận quá {$days} ngày: {$count} phiếu
digest-waiting-item = • {$name} ({$village}): {$days} ngày
digest-waiting-more = … và {$count} phiếu khác
digest-inactive-title = 💤 Cộng tác viên chưa có hoạt động từ {$date}:
digest-inactive-item = • {$name} ({$village}), lần cuối {$date}
digest-inactive-never = • {$name} ({$village}), chưa có hoạt động
digest-inactive-more = … và {$count} người khác
digest-unnamed = (chưa có tên)
digest-no-village = chưa rõ thôn
digest-chart-caption = Tỷ lệ công nhận theo danh hiệu và theo thôn, năm {$year}
digest-hint-text = Xem theo kỳ khác: gõ “/baocao ngày”, “/baocao tháng” hoặc “/baocao năm”.

## Biểu đồ
chart-title = Hộ được công nhận “Gia đình học tập” năm {$year}
chart-axis = Hộ được công nhận trên tổng số hộ của thôn (%)
chart-target = Mục tiêu {$year}: {$target}
chart-bar = {$recognised}/{$total} hộ, {$share}
chart-no-total = chưa có số hộ ({$registered} hộ đăng ký trên bot)

## Báo cáo theo yêu cầu (/baocao)
report-not-allowed = Dạ, báo cáo chỉ dành cho Chủ tịch Hội Khuyến học xã và quản trị viên.
report-no-commune = Dạ, tài khoản chưa gắn với xã nào. Vui lòng liên hệ quản trị viên.
report-unknown-period = Dạ, chưa rõ kỳ báo cáo. Vui lòng gõ “/baocao ngày”, “/baocao tuần”, “/baocao tháng” hoặc “/baocao năm”.
report-button-day = 24 giờ
report-button-week = 7 ngày
report-button-month = Tháng này
report-button-year = Cả năm
report-button-export = 📥 Danh sách (Excel)
report-button-summary = 📄 Báo cáo năm (Excel)
report-button-dossier = 🗂 Hồ sơ công nhận (Word, PDF)
report-export-ready = Dạ, gửi danh sách đánh giá năm {$year} của {$commune}.
report-summary-ready = Dạ, gửi báo cáo tổng hợp năm {$year} của {$commune}, hạn gửi trước ngày {$due}.
report-button-stale = Dạ, nút này không còn dùng được nữa. Vui lòng gõ /baocao để xem báo cáo mới.

## Nhắc việc
reminder-summary-due = 📅 Xin nhắc: báo cáo tổng hợp năm {$year} của {$commune} cần gửi lên cấp trên trước ngày {$due} (còn {$days} ngày).
reminder-summary-button = Bấm nút dưới đây để tải báo cáo đã điền sẵn số liệu.
reminder-summary-text = Vui lòng nhờ quản trị viên xuất báo cáo đã điền sẵn số liệu.
reminder-draft-title = ✏️ Còn {$count} phiếu đánh giá làm dở, chưa cập nhật từ {$days} ngày trở lên:
reminder-draft-item = • {$title}: {$name} ({$village}), sửa lần cuối {$date}
reminder-draft-more = … và {$count} phiếu khác
reminder-draft-action = Vui lòng gõ /menu rồi chọn “Làm tiếp phiếu đang dở” để làm tiếp.
reminder-household-draft = ✏️ Phiếu tự đánh giá “Gia đình học tập” của gia đình còn làm dở, chưa cập nhật từ {$days} ngày nay.
    Khi nào tiện, xin gõ /menu để làm tiếp đúng câu đang dở.
study-month-announcement = 📚 {$commune}: từ ngày 10/8 đến 10/9/{$year} là Tháng khuyến học. Hội Khuyến học kính mời gia đình cùng học tập và tự đánh giá “Gia đình học tập”: gõ /menu để bắt đầu.

## Danh hiệu và trạng thái
report-title-household = Hộ gia đình
report-title-clan = Dòng họ
report-title-village = Thôn
report-title-citizen = Công dân
report-title-unit = Đơn vị
report-status-draft = Đang làm
report-status-submitted = Chờ xác nhận
report-status-verified = Đã xác nhận
report-status-returned = Cần bổ sung, sửa lại
report-status-proposed = Đề nghị công nhận
report-status-recognised = Đã công nhận
report-status-rejected = Không công nhận
report-result-passed = Đạt
report-result-failed = Chưa đạt

## Tệp Excel và CSV
export-sheet-proposed = Đề nghị công nhận
export-sheet-villages = Tổng hợp theo thôn
export-heading-proposed = DANH SÁCH ĐỀ NGHỊ CÔNG NHẬN DANH HIỆU NĂM {$year}
export-heading-villages = TỔNG HỢP KẾT QUẢ “GIA ĐÌNH HỌC TẬP” THEO THÔN NĂM {$year}
export-col-no = STT
export-col-clan-head = Trưởng họ
export-col-birth-year = Năm sinh
export-col-name = Hộ / dòng họ
export-col-village = Thôn
export-col-commune = Xã
export-col-title = Danh hiệu
export-col-criterion = Tiêu chí {$id}: {$name} ({$max} điểm)
export-col-total = Tổng điểm
export-col-result = Kết quả sơ bộ
export-col-status = Trạng thái
export-col-verified-by = Người xác nhận
export-col-verified-at = Ngày xác nhận
export-col-decision-number = Số quyết định
export-col-decision-date = Ngày quyết định
export-col-pack = Bộ tiêu chí
export-col-pack-version = Phiên bản
export-col-households-total = Tổng số hộ
export-col-registered = Đăng ký trên bot
export-col-registered-share = Tỷ lệ đăng ký trên bot
export-col-assessed = Đã đánh giá
export-col-passing = Đạt sơ bộ
export-col-verified = Đã xác nhận
export-col-recognised = Được công nhận
export-col-share = Tỷ lệ công nhận (trên tổng số)
export-col-target = Mục tiêu {$year}
export-col-missing = Còn thiếu để đạt mục tiêu {$year}
export-total-row = Toàn xã
export-no-data = Chưa có phiếu nào.
export-no-target = chưa đặt
export-no-total = chưa có
export-note-no-total = Chưa có số hộ của: {$villages}. Tỷ lệ của các thôn này và của toàn xã chưa tính được; vui lòng nhờ quản trị viên nhập số hộ.
export-col-criterion-short = Tiêu chí {$id}
export-col-note = Ghi chú
export-row-provisional = {$what ->
    [both] Chỉ số và mức điểm để đạt còn tạm thời
    [rule] Mức điểm để đạt còn tạm thời
   *[indicators] Có chỉ số còn tạm thời
}

## Báo cáo tổng hợp năm (trước 15/11)
summary-sheet = Báo cáo năm
summary-heading = BÁO CÁO KẾT QUẢ XÂY DỰNG CÁC MÔ HÌNH HỌC TẬP NĂM {$year}
summary-difficult-area = Xã thuộc vùng khó khăn: mục tiêu và ngưỡng đạt có thể thấp hơn.
summary-section-titles = I. KẾT QUẢ SO VỚI MỤC TIÊU
summary-section-villages = II. “GIA ĐÌNH HỌC TẬP” THEO THÔN
summary-col-title = Danh hiệu
summary-col-total = Tổng số
summary-col-registered = Đăng ký trên bot
summary-col-village = Thôn
summary-csv-commune = Toàn xã

## Năm danh hiệu trong báo cáo (issue 15): mỗi tỷ lệ trên tổng số của chính nó
digest-section-village = 🏘️ Cộng đồng học tập
digest-section-citizen = 🎓 Công dân học tập
digest-section-unit = 🏢 Đơn vị học tập
digest-lead-citizen = {$target} người lao động
digest-lead-citizen-staff = {$target} cán bộ đơn vị
digest-lead-unit = {$target} đơn vị
digest-stages-short = Đã đánh giá: {$assessed}{$assessed_delta} · công nhận: {$recognised}{$recognised_delta}
digest-empty-clan = 👪 Dòng họ học tập: chưa có dòng họ nào đăng ký.
digest-empty-citizen = 🎓 Công dân học tập: chưa có ai đăng ký.
digest-empty-village = { $kind ->
    [none] 🏘️ Cộng đồng học tập: xã chưa có thôn nào trên bot.
   *[other] 🏘️ Cộng đồng học tập: chưa có thôn nào được đánh giá.
}
digest-empty-unit = { $kind ->
    [none] 🏢 Đơn vị học tập: chưa có đơn vị nào trên bot.
   *[other] 🏢 Đơn vị học tập: chưa có đơn vị nào được đánh giá.
}
digest-share-village = Tỷ lệ công nhận: {$part}/{$total} thôn, {$share}
digest-share-unit = Tỷ lệ công nhận: {$part}/{$total} đơn vị, {$share}
digest-share-citizen = Trong gia đình: {$part}/{$total} người lao động, {$share}
digest-share-citizen-staff = Trong đơn vị: {$part}/{$total} cán bộ, {$share}
digest-share-unknown-clan = Tỷ lệ công nhận: chưa tính được
digest-share-unknown-village = Tỷ lệ công nhận: chưa tính được
digest-share-unknown-unit = Tỷ lệ công nhận: chưa tính được
digest-share-unknown-citizen = Trong gia đình: chưa tính được tỷ lệ
digest-share-unknown-citizen-staff = Trong đơn vị: chưa tính được tỷ lệ
digest-share-empty-clan = Tỷ lệ công nhận: chưa có số liệu
digest-share-empty-village = Tỷ lệ công nhận: chưa có số liệu
digest-share-empty-unit = Chưa có danh sách đơn vị, vui lòng nhờ quản trị viên nhập.
digest-share-empty-citizen = Trong gia đình: chưa có hộ nào khai số người lớn
digest-share-empty-citizen-staff = Trong đơn vị: chưa có số cán bộ
digest-missing-adults = Còn {$count} hộ chưa khai số người lớn (từ 19 đến 60 tuổi).
digest-missing-base-village = Chưa có số thôn của xã. Vui lòng nhờ quản trị viên nhập.
digest-missing-base-citizen-staff = Còn đơn vị chưa có số cán bộ (nhờ quản trị viên nhập).
digest-target-village = Mục tiêu {$year}: {$target}, còn thiếu {$missing} thôn
digest-target-citizen = Mục tiêu {$year}: {$target}, còn thiếu {$missing} người
digest-target-citizen-staff = Mục tiêu {$year}: {$target}, còn thiếu {$missing} người
digest-target-unit = Mục tiêu {$year}: {$target}, còn thiếu {$missing} đơn vị
digest-kind-clan = dòng họ
digest-kind-village = cộng đồng học tập
digest-kind-citizen = công dân
digest-kind-unit = đơn vị
chart-titles-title = Được công nhận năm {$year}, theo danh hiệu
chart-titles-axis = Được công nhận trên tổng số của từng danh hiệu (%)
chart-row-household = Gia đình (hộ)
chart-row-clan = Dòng họ
chart-row-village = Cộng đồng (thôn)
chart-row-citizen = Công dân (gia đình)
chart-row-citizen-staff = Công dân (đơn vị)
chart-row-unit = Đơn vị
chart-row-bar = {$recognised}/{$total}, {$share}
chart-row-unknown = chưa tính được ({$recognised} được công nhận)
chart-row-target = Mục tiêu {$year} của từng danh hiệu
digest-nothing-clan = Chưa có dòng họ nào đăng ký.
digest-nothing-citizen = Chưa có ai đăng ký.
digest-nothing-village = Chưa có thôn nào được đánh giá.
digest-nothing-unit = Chưa có đơn vị nào được đánh giá.
digest-kind-place = {$kind}, {$place}

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
digest-no-clans = Chưa có dòng họ nào đăng ký.
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
digest-chart-caption = Tỷ lệ hộ được công nhận theo thôn, năm {$year}
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
export-sheet-household = Gia đình học tập
export-sheet-clan = Dòng họ học tập
export-sheet-proposed = Đề nghị công nhận
export-sheet-villages = Tổng hợp theo thôn
export-heading-household = DANH SÁCH ĐÁNH GIÁ “GIA ĐÌNH HỌC TẬP” NĂM {$year}
export-heading-clan = DANH SÁCH ĐÁNH GIÁ “DÒNG HỌ HỌC TẬP” NĂM {$year}
export-heading-proposed = DANH SÁCH ĐỀ NGHỊ CÔNG NHẬN DANH HIỆU NĂM {$year}
export-heading-villages = TỔNG HỢP KẾT QUẢ “GIA ĐÌNH HỌC TẬP” THEO THÔN NĂM {$year}
export-subheading = {$commune}, {$province}. Lập ngày {$date}.
export-col-no = STT
export-col-head = Họ và tên chủ hộ
export-col-clan = Tên dòng họ
export-col-clan-head = Trưởng họ
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
export-provisional-note = Lưu ý: bộ tiêu chí “{$pack}” ({$id}, phiên bản {$version}) có {$what ->
    [both] chỉ số {$indicators} và mức điểm để đạt
    [rule] mức điểm để đạt
   *[indicators] chỉ số {$indicators}
} còn tạm thời, chưa đối chiếu với văn bản gốc.
export-row-provisional = {$what ->
    [both] Chỉ số và mức điểm để đạt còn tạm thời
    [rule] Mức điểm để đạt còn tạm thời
   *[indicators] Có chỉ số còn tạm thời
}

## Báo cáo tổng hợp năm (trước 15/11)
summary-sheet = Báo cáo năm
summary-heading = BÁO CÁO KẾT QUẢ XÂY DỰNG CÁC MÔ HÌNH HỌC TẬP NĂM {$year}
summary-unit = Hội Khuyến học {$commune}, {$province}
summary-date = Lập ngày {$date}. Hạn gửi: trước ngày {$due}.
summary-difficult-area = Xã thuộc vùng khó khăn: mục tiêu và ngưỡng đạt có thể thấp hơn.
summary-section-titles = I. KẾT QUẢ SO VỚI MỤC TIÊU
summary-section-villages = II. “GIA ĐÌNH HỌC TẬP” THEO THÔN
summary-col-title = Danh hiệu
summary-col-total = Tổng số
summary-col-registered = Đăng ký trên bot
summary-col-village = Thôn
summary-csv-commune = Toàn xã
summary-title-household = Gia đình học tập (hộ)
summary-title-clan = Dòng họ học tập (dòng họ)
summary-title-village = Cộng đồng học tập (thôn)
summary-signature-maker = NGƯỜI LẬP BIỂU
summary-signature-chair = CHỦ TỊCH HỘI KHUYẾN HỌC

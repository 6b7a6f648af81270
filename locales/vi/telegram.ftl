## Kênh Telegram: những câu chỉ Telegram dùng
telegram-command-start = Bắt đầu, về trình đơn chính
telegram-command-menu = Trình đơn chính
telegram-command-help = Hướng dẫn sử dụng
telegram-share-contact = 📱 Gửi số điện thoại
telegram-stale-button = Dạ, nút này không còn dùng được nữa.
telegram-error = Dạ, có lỗi khi xử lý tin nhắn. Vui lòng thử lại sau ít phút.
telegram-command-report = Báo cáo tiến độ (chủ tịch Hội xã)
telegram-command-mydata = Xem dữ liệu của gia đình
telegram-command-delete = Xóa dữ liệu của gia đình

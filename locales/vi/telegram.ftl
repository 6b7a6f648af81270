## Kênh Telegram: những câu chỉ Telegram dùng
telegram-command-start = Bắt đầu, về trình đơn chính
telegram-command-menu = Trình đơn chính
telegram-command-help = Hướng dẫn sử dụng
telegram-share-contact = 📱 Gửi số điện thoại
telegram-stale-button = Dạ, nút này đã cũ.
telegram-error = Dạ, có lỗi khi xử lý tin nhắn. Vui lòng thử lại sau ít phút.
telegram-command-report = Báo cáo tiến độ (chủ tịch Hội xã)

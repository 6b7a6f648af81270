## Kênh Zalo: những câu chỉ Zalo dùng
zalo-unsupported = Dạ, Zalo không chuyển nội dung tin nhắn này cho bot (tài khoản đang được bảo vệ). Vui lòng nhờ cộng tác viên khuyến học của thôn giúp ạ.
zalo-error = Dạ, có lỗi khi xử lý tin nhắn. Vui lòng thử lại sau ít phút.
zalo-photo-unavailable = (Hình ảnh chưa gửi được qua Zalo. Vui lòng xem trên Telegram.)
zalo-document-unavailable = (Zalo chưa gửi được tệp «{$filename}». Vui lòng mở bot trên Telegram hoặc nhờ quản trị viên gửi tệp.)

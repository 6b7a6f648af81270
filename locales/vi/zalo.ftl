## Kênh Zalo: những câu chỉ Zalo dùng
zalo-unsupported = Dạ, Zalo không chuyển được tin nhắn này tới bot. Vui lòng nhờ cộng tác viên thôn gửi giúp ạ.
zalo-error = Dạ, có lỗi khi xử lý tin nhắn. Vui lòng thử lại sau ít phút.
zalo-photo-unavailable = (Zalo chưa gửi được hình ảnh kèm theo; các số liệu đã có ở trên.)
zalo-evidence-unavailable = (Chưa gửi được {$count} ảnh minh chứng qua Zalo: ảnh chưa được lưu về máy chủ của bot.)
zalo-document-unavailable = (Zalo chưa gửi được tệp “{$filename}”. Vui lòng nhờ quản trị viên gửi tệp này.)

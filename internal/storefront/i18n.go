package storefront

import "strings"

// words are the storefront's texts: Indonesian first, then English. A key missing here shows as
// itself, which a test catches.
var words = map[string][2]string{
	"switch":                {"English", "Bahasa Indonesia"},
	"tagline":               {"Top up game & pulsa", "Game top-ups & airtime"},
	"home":                  {"Beranda", "Home"},
	"search":                {"Cari game atau produk…", "Search games or products…"},
	"search.button":         {"Cari", "Search"},
	"from":                  {"Mulai", "From"},
	"none":                  {"Tidak ada produk yang cocok.", "No product matches."},
	"cek":                   {"Cek transaksi", "Check an order"},
	"cek.title":             {"Cek transaksi", "Check an order"},
	"cek.hint":              {"Masukkan nomor invoice dari halaman pembayaran atau WhatsApp.", "Enter the invoice number from the payment page or WhatsApp."},
	"cek.button":            {"Cek", "Check"},
	"step.id":               {"1. Masukkan data akun", "1. Enter your account"},
	"step.item":             {"2. Pilih nominal", "2. Pick an amount"},
	"step.pay":              {"3. Pilih pembayaran", "3. Pick a payment method"},
	"step.contact":          {"4. Kontak", "4. Contact"},
	"check":                 {"Cek ID", "Check ID"},
	"nickname":              {"Nickname", "Nickname"},
	"phone":                 {"Nomor WhatsApp", "WhatsApp number"},
	"phone.hint":            {"Bukti dan SN dikirim ke nomor ini.", "The receipt and SN go to this number."},
	"email":                 {"Email (opsional)", "Email (optional)"},
	"fee.none":              {"Tanpa biaya", "No fee"},
	"buy":                   {"Beli sekarang", "Buy now"},
	"sold.out":              {"Habis", "Sold out"},
	"invoice":               {"Invoice", "Invoice"},
	"product":               {"Produk", "Product"},
	"destination":           {"Tujuan", "Destination"},
	"total":                 {"Total bayar", "Total"},
	"method":                {"Metode", "Method"},
	"status":                {"Status", "Status"},
	"sn":                    {"SN", "SN"},
	"pay.until":             {"Bayar sebelum", "Pay before"},
	"pay.left":              {"Sisa waktu", "Time left"},
	"pay.qr":                {"Pindai QRIS ini dengan aplikasi bank atau e-wallet.", "Scan this QRIS with a bank or e-wallet app."},
	"pay.code":              {"Kode bayar / Virtual Account", "Pay code / Virtual account"},
	"pay.link":              {"Buka halaman pembayaran", "Open the payment page"},
	"copy":                  {"Salin", "Copy"},
	"live":                  {"Status diperbarui otomatis.", "The status updates by itself."},
	"st.unpaid":             {"Menunggu pembayaran", "Waiting for payment"},
	"st.expired":            {"Kedaluwarsa: invoice tidak dibayar tepat waktu", "Expired: the invoice was not paid in time"},
	"st.pending":            {"Pembayaran diterima, pesanan sedang diproses", "Paid; the order is being processed"},
	"st.success":            {"Sukses", "Delivered"},
	"st.failed":             {"Gagal: dana akan dikembalikan oleh penjual", "Failed: the seller will refund your payment"},
	"st.refunded":           {"Dana sudah dikembalikan", "Refunded"},
	"notfound":              {"Halaman tidak ditemukan.", "Page not found."},
	"err.not_found":         {"Produk tidak ditemukan.", "Product not found."},
	"err.invoice_not_found": {"Invoice tidak ditemukan.", "Invoice not found."},
	"err.id_not_found":      {"ID tidak ditemukan.", "ID not found."},
	"err.too_fast":          {"Terlalu banyak permintaan; tunggu sebentar.", "Too many requests; wait a moment."},
	"err.too_many_unpaid":   {"Nomor ini masih punya invoice yang belum dibayar; bayar atau tunggu sampai kedaluwarsa.", "This number has unpaid invoices; pay them or wait until they expire."},
	"err.unavailable":       {"Produk sedang tidak tersedia.", "This product is not available now."},
	"err.cutoff":            {"Produk sedang dalam jam tutup (cut-off); coba lagi nanti.", "This product is in its daily cut-off; try again later."},
	"err.pay_upstream":      {"Gateway pembayaran tidak menjawab; coba lagi sebentar lagi.", "The payment gateway did not answer; try again shortly."},
	"err.pay_refused":       {"Gateway pembayaran menolak permintaan ini.", "The payment gateway refused this request."},
	"err.pay_unavailable":   {"Pembayaran online sedang tidak tersedia.", "Online payment is not available now."},
	"err.bad_body":          {"Permintaan tidak valid.", "Invalid request."},
	"err.no_endpoint":       {"Endpoint tidak ada.", "No such endpoint."},
	"err.internal":          {"Terjadi kesalahan; coba lagi.", "Something went wrong; try again."},
	"err.field":             {"Isian tidak valid:", "Invalid field:"},
	"err.field.phone":       {"Nomor WhatsApp tidak valid (08…, 10–14 digit).", "Invalid WhatsApp number (08…, 10–14 digits)."},
	"err.field.email":       {"Alamat email tidak valid.", "Invalid email address."},
	"err.field.data":        {"Data akun tidak valid; periksa ID dan format.", "Invalid account data; check the ID and its format."},
	"err.field.variant":     {"Pilih nominal dulu.", "Pick an amount first."},
	"err.field.method":      {"Pilih metode pembayaran yang tersedia.", "Pick an available payment method."},
	"err.field.product":     {"Produk wajib diisi.", "The product is required."},
}

// tr translates a key into a language ("id" or "en").
func tr(lang, key string) string {
	w, ok := words[key]
	if !ok {
		return strings.TrimPrefix(key, "err.")
	}
	if lang == "en" {
		return w[1]
	}
	return w[0]
}

'use strict';
// Drives a Kios server with the npm package "digiflazz" (exact version pinned in
// package-lock.json), the way an existing Digiflazz integration would: the only change is the
// base URL. Prints one JSON object with every answer; the Go test checks it.
const Digiflazz = require('digiflazz');

const base = process.env.KIOS_BASE_URL;
const user = process.env.KIOS_USERNAME;
const key = process.env.KIOS_KEY;
if (!base || !user || !key) {
  console.error('KIOS_BASE_URL, KIOS_USERNAME and KIOS_KEY are required');
  process.exit(2);
}

const df = new Digiflazz(user, key);
// The package keeps its base URL ("https://api.digiflazz.com/v1") in this field; pointing it at
// Kios is the whole migration.
df._endpoint = base;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

(async () => {
  const out = {};
  out.saldo = await df.cekSaldo();
  out.priceList = await df.daftarHarga();
  out.deposit = await df.deposit(50000, 'BCA', 'Budi Santoso');
  out.first = await df.transaksi('s5', '081234567890', 'compat-1');
  // Sending the same transaction again is Digiflazz's status check.
  let st = out.first;
  for (let i = 0; i < 200 && st.status === 'Pending'; i++) {
    await sleep(50);
    st = await df.transaksi('s5', '081234567890', 'compat-1');
  }
  out.final = st;
  out.conflict = await df.transaksi('s5', '089999999999', 'compat-1');
  out.version = require('digiflazz/package.json').version;
  process.stdout.write(JSON.stringify(out) + '\n');
})().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});

// Kios storefront: the ID check and the total on a product page, the countdown and the live
// status on an invoice page. The pages work without it (the form posts, the page reloads).
(function () {
  "use strict";
  var lang = document.documentElement.lang === "en" ? "en" : "id";
  var T = {
    checking: ["Memeriksa…", "Checking…"],
    noanswer: ["Pemeriksaan ID tidak tersedia; lanjutkan saja.", "The ID check is unavailable; you may go on."],
    expired: ["Kedaluwarsa", "Expired"],
    copied: ["Tersalin", "Copied"]
  };
  function t(k) { return T[k][lang === "en" ? 1 : 0]; }

  var buy = document.getElementById("buy");
  if (buy) {
    var format = buy.getAttribute("data-format");
    var data = function () {
      var out = format;
      buy.querySelectorAll("[data-field]").forEach(function (f) {
        out = out.replace("{" + f.getAttribute("data-field") + "}", f.value.trim());
      });
      return out;
    };
    var total = document.getElementById("total");
    var showTotal = function () {
      var v = buy.querySelector("input[name=variant]:checked");
      total.textContent = v ? v.getAttribute("data-price") : "–";
    };
    buy.addEventListener("change", showTotal);
    showTotal();
    var nick = document.getElementById("nickname");
    var check = document.getElementById("check");
    if (check) {
      check.addEventListener("click", function () {
        nick.className = "nick";
        nick.textContent = t("checking");
        fetch("/shop/api/check-id", {
          method: "POST", headers: {"Content-Type": "application/json"},
          body: JSON.stringify({product: buy.getAttribute("data-product"), data: data()})
        }).then(function (r) { return r.json().then(function (b) { return {ok: r.ok, status: r.status, b: b}; }); })
          .then(function (res) {
            if (res.ok && res.b.valid) {
              nick.className = "nick ok";
              nick.textContent = "✓ " + res.b.nickname;
            } else {
              nick.className = "nick bad";
              nick.textContent = res.b.error || t("noanswer");
            }
          })
          .catch(function () { nick.className = "nick"; nick.textContent = t("noanswer"); });
      });
    }
  }

  var inv = document.getElementById("invoice");
  if (inv) {
    var code = inv.getAttribute("data-invoice");
    var shown = inv.getAttribute("data-status");
    var cd = document.getElementById("countdown");
    if (cd) {
      var until = Date.parse(cd.getAttribute("data-expires"));
      var tick = function () {
        var s = Math.max(0, Math.floor((until - Date.now()) / 1000));
        if (s === 0) { cd.textContent = t("expired"); return; }
        var m = Math.floor(s / 60), r = s % 60;
        cd.textContent = Math.floor(m / 60) + ":" + ("0" + (m % 60)).slice(-2) + ":" + ("0" + r).slice(-2);
        setTimeout(tick, 1000);
      };
      tick();
    }
    var final = {Success: 1, Failed: 1, Expired: 1, Refunded: 1};
    var poll = function () {
      fetch("/shop/api/invoice/" + encodeURIComponent(code), {headers: {"Accept": "application/json"}})
        .then(function (r) { return r.json(); })
        .then(function (b) {
          if (b.status && b.status !== shown) { location.reload(); return; }
          if (!final[shown]) { setTimeout(poll, 3000); }
        })
        .catch(function () { setTimeout(poll, 6000); });
    };
    if (!final[shown]) { setTimeout(poll, 3000); }
  }

  document.querySelectorAll("button.copy").forEach(function (b) {
    b.addEventListener("click", function () {
      if (navigator.clipboard) {
        navigator.clipboard.writeText(b.getAttribute("data-copy")).then(function () { b.textContent = t("copied"); });
      }
    });
  });
})();

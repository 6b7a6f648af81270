// Telegram's theme and the Mini App sign-in, without Telegram's script: Telegram opens a Mini
// App with #tgWebAppData=…&tgWebAppThemeParams=… in the address; both are read from there
// (or from window.Telegram.WebApp when its script happens to be loaded).
(function () {
  "use strict";
  var KEY = "hoctap-theme";
  var hash = new URLSearchParams(location.hash.slice(1));
  var tg = window.Telegram && window.Telegram.WebApp;
  var theme = hash.get("tgWebAppThemeParams");
  try {
    if (theme) sessionStorage.setItem(KEY, theme); else theme = sessionStorage.getItem(KEY);
  } catch (e) { /* storage may be off: the theme then lasts one page */ }
  if (!theme && tg && tg.themeParams) theme = JSON.stringify(tg.themeParams);
  if (theme) {
    try {
      var params = JSON.parse(theme), style = document.documentElement.style;
      Object.keys(params).forEach(function (key) {
        var value = String(params[key]);
        if (/^#[0-9a-fA-F]{3,8}$/.test(value)) {
          style.setProperty("--tg-theme-" + key.replace(/_/g, "-"), value);
        }
      });
    } catch (e) { /* a theme we cannot read: the default colours */ }
  }
  var box = document.getElementById("tg-login");
  var init = hash.get("tgWebAppData") || (tg && tg.initData);
  if (!box || !init) return;
  fetch("/web/telegram", {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: "init_data=" + encodeURIComponent(init)
  }).then(function (r) {
    return r.ok ? r.json() : Promise.reject(r.status);
  }).then(function (answer) {
    location.replace(answer.next);
  }).catch(function () {
    box.textContent = box.getAttribute("data-failed");
    box.hidden = false;
  });
})();

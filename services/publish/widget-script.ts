/**
 * The embeddable chat widget (§28 row 11), plain browser JavaScript served as is. It finds its own
 * script tag, takes the publication key from `data-key` and the API base and slug from its `src`,
 * reads the publication (row 8), restores the visitor's session (row 10) and sends messages (row 9).
 * `data-mode="inline"` fills its container (the iframe embed code) instead of floating.
 */
export const WIDGET_SCRIPT = String.raw`(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) {
    var all = document.querySelectorAll("script[data-key][src*='/api/v1/public/']");
    script = all[all.length - 1];
  }
  if (!script) return;
  var key = script.getAttribute("data-key");
  var inline = script.getAttribute("data-mode") === "inline";
  var src = new URL(script.src, location.href);
  var match = /\/api\/v1\/public\/([^\/]+)\/widget\.js$/.exec(src.pathname);
  if (!key || !match) return;
  var slug = decodeURIComponent(match[1]);
  var base = src.origin + "/api/v1/public/" + encodeURIComponent(slug);
  var storeKey = "fluxgate:" + slug;

  function remembered() {
    try { return JSON.parse(localStorage.getItem(storeKey) || "{}"); } catch (e) { return {}; }
  }
  function remember(state) {
    try { localStorage.setItem(storeKey, JSON.stringify(state)); } catch (e) { /* storage disabled */ }
  }
  var state = remembered();
  if (!state.visitor_id) {
    state.visitor_id = "v_" + Math.random().toString(36).slice(2) + Date.now().toString(36);
    remember(state);
  }

  function api(method, path, body) {
    return fetch(base + path, {
      method: method,
      headers: body ? { "Content-Type": "application/json", "X-Fluxgate-Public-Key": key } : { "X-Fluxgate-Public-Key": key },
      body: body ? JSON.stringify(body) : undefined
    }).then(function (res) {
      return res.json().then(function (data) {
        if (!res.ok) throw new Error((data && data.error && data.error.message) || ("HTTP " + res.status));
        return data;
      });
    });
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var name in attrs) node.setAttribute(name, attrs[name]);
    if (text != null) node.textContent = text;
    return node;
  }

  function css(w) {
    var dark = w.theme === "dark";
    var side = w.position === "bottom-left" ? "left" : "right";
    var bg = dark ? "#1F2937" : "#FFFFFF";
    var fg = dark ? "#F9FAFB" : "#111827";
    var muted = dark ? "#374151" : "#F3F4F6";
    return [
      ":host{all:initial;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;font-size:14px}",
      ".launcher{position:fixed;bottom:20px;" + side + ":20px;width:56px;height:56px;border-radius:50%;border:0;cursor:pointer;background:" + w.primary_color + ";color:#fff;display:flex;align-items:center;justify-content:center;box-shadow:0 4px 12px rgba(0,0,0,.25);z-index:2147483646}",
      ".panel{position:fixed;bottom:88px;" + side + ":20px;width:340px;max-width:calc(100vw - 40px);height:480px;max-height:calc(100vh - 120px);display:none;flex-direction:column;background:" + bg + ";color:" + fg + ";border-radius:12px;box-shadow:0 8px 24px rgba(0,0,0,.25);overflow:hidden;z-index:2147483647}",
      ".panel.open{display:flex}",
      ".panel.inline{position:static;display:flex;width:100%;height:100vh;max-width:none;max-height:none;border-radius:0;box-shadow:none}",
      ".header{padding:12px 16px;background:" + w.primary_color + ";color:#fff;font-weight:600}",
      ".log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px}",
      ".msg{padding:8px 12px;border-radius:10px;max-width:80%;white-space:pre-wrap;word-wrap:break-word;line-height:1.4}",
      ".msg.user{align-self:flex-end;background:" + w.primary_color + ";color:#fff}",
      ".msg.assistant{align-self:flex-start;background:" + muted + "}",
      ".msg.error{align-self:flex-start;background:#FEE2E2;color:#991B1B}",
      "form{display:flex;gap:8px;padding:10px;border-top:1px solid " + muted + "}",
      "input{flex:1;padding:8px 10px;border:1px solid " + muted + ";border-radius:8px;background:" + bg + ";color:" + fg + ";font:inherit}",
      "button.send{padding:8px 14px;border:0;border-radius:8px;background:" + w.primary_color + ";color:#fff;cursor:pointer;font:inherit}",
      "button.send:disabled{opacity:.6;cursor:default}"
    ].join("\n");
  }

  function mount(publication) {
    var w = publication.widget;
    var host = el("div", { "data-fluxgate-widget": slug });
    var root = host.attachShadow({ mode: "open" });
    root.appendChild(el("style", {}, css(w)));
    var panel = el("div", { "class": "panel" + (inline ? " inline" : ""), role: "dialog", "aria-label": w.title });
    panel.appendChild(el("div", { "class": "header" }, w.title));
    var log = el("div", { "class": "log", "aria-live": "polite" });
    panel.appendChild(log);
    var form = el("form", {});
    var input = el("input", { type: "text", name: "message", placeholder: "Type a message", maxlength: "10000", autocomplete: "off" });
    var send = el("button", { type: "submit", "class": "send" }, "Send");
    form.appendChild(input);
    form.appendChild(send);
    panel.appendChild(form);
    if (!inline) {
      var launcher = el("button", { type: "button", "class": "launcher", "aria-label": "Open chat: " + w.title });
      launcher.innerHTML = '<svg viewBox="0 0 24 24" width="26" height="26" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z"/></svg>';
      launcher.addEventListener("click", function () {
        panel.classList.toggle("open");
        if (panel.classList.contains("open")) input.focus();
      });
      root.appendChild(launcher);
    }
    root.appendChild(panel);
    // Inline, the widget is the whole document (the srcdoc iframe of the embed codes).
    if (inline && document.body) document.body.style.margin = "0";
    (document.body || document.documentElement).appendChild(host);

    function show(role, text) {
      var node = el("div", { "class": "msg " + role }, text);
      log.appendChild(node);
      log.scrollTop = log.scrollHeight;
      return node;
    }
    if (w.greeting) show("assistant", w.greeting);

    if (state.session_id) {
      api("GET", "/sessions/" + encodeURIComponent(state.session_id) + "/messages?order=asc&limit=200").then(function (page) {
        page.items.forEach(function (m) { if (m.content) show(m.role, m.content); });
      }, function () {
        delete state.session_id;
        remember(state);
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (!text) return;
      input.value = "";
      show("user", text);
      send.disabled = true;
      var body = { message: text, visitor_id: state.visitor_id };
      if (state.session_id) body.session_id = state.session_id;
      api("POST", "/chat", body).then(function (reply) {
        state.session_id = reply.session_id;
        remember(state);
        if (reply.status === "completed") show("assistant", reply.content);
        else show("error", (reply.error && reply.error.message) || "The agent could not answer.");
      }, function (err) {
        show("error", err.message);
      }).then(function () {
        send.disabled = false;
        input.focus();
      });
    });
  }

  function start() {
    api("GET", "").then(mount, function (err) {
      if (window.console) console.warn("Fluxgate widget: " + err.message);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
`;

/*
 * Shopbot chat widget: one <script> tag and one Shopbot.init({...}) call on any store page.
 *
 * Plain JavaScript, no dependencies. It talks to a Shopbot server over the WebSocket at /ws
 * (protocol: bot/channels/ws.py). Text from shoppers, the bot, agents and the catalog is only
 * ever inserted with textContent, never parsed as HTML, and only http(s) URLs become images
 * or links.
 */
(function () {
  "use strict";
  if (window.Shopbot && window.Shopbot.version) return; // loaded twice: keep the first

  // document.currentScript only exists while this file runs, so the default server is read now.
  var SCRIPT = document.currentScript;
  var DEFAULTS = {
    server: SCRIPT && SCRIPT.src ? new URL(SCRIPT.src, location.href).origin : location.origin,
    title: "Shopbot",
    accent: "#0f766e",
    position: "right",
    greeting: "Hi! How can I help you today?",
    placeholder: "Type a message…",
    open: false,
  };
  var BACKOFF_FIRST_MS = 500, BACKOFF_MAX_MS = 10000;
  var PING_EVERY_MS = 25000;
  var SILENT_TOO_LONG_MS = 70000; // no frame, not even a pong, for this long: the socket is dead
  var BUSY_AT_MOST_MS = 30000; // the send button never stays disabled longer than this

  var CSS = [
    ".shopbot-root{--shopbot-accent:#0f766e;position:fixed;bottom:20px;right:20px;z-index:2147483000;",
    "font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2937;text-align:left}",
    ".shopbot-root.shopbot-left{right:auto;left:20px}",
    ".shopbot-root *,.shopbot-root *::before,.shopbot-root *::after{box-sizing:border-box}",
    ".shopbot-root [hidden]{display:none!important}",
    // :where() keeps this reset weaker than the rules below that colour buttons.
    ".shopbot-root :where(button,textarea){font:inherit;color:inherit}",
    ".shopbot-root :focus-visible{outline:3px solid #2563eb;outline-offset:2px}",
    ".shopbot-launcher{position:relative;width:58px;height:58px;border:0;border-radius:50%;cursor:pointer;display:grid;",
    "place-items:center;background:var(--shopbot-accent);color:#fff;box-shadow:0 6px 20px rgba(0,0,0,.25)}",
    ".shopbot-launcher svg{width:28px;height:28px;fill:currentColor}",
    ".shopbot-badge{position:absolute;top:2px;right:2px;width:14px;height:14px;border-radius:50%;",
    "background:#dc2626;border:2px solid #fff}",
    ".shopbot-panel{position:fixed;bottom:90px;right:20px;width:390px;height:min(620px,calc(100vh - 110px));",
    "display:flex;flex-direction:column;background:#fff;border-radius:14px;overflow:hidden;box-shadow:0 12px 40px rgba(0,0,0,.28)}",
    ".shopbot-left .shopbot-panel{right:auto;left:20px}",
    ".shopbot-header{display:flex;align-items:center;gap:8px;padding:12px 14px;background:var(--shopbot-accent);color:#fff}",
    ".shopbot-title{flex:1;margin:0;font-size:16px;font-weight:600}",
    ".shopbot-close{width:32px;height:32px;border:0;border-radius:8px;background:none;color:#fff;font-size:22px;cursor:pointer}",
    ".shopbot-close:hover{background:rgba(255,255,255,.15)}.shopbot-header :focus-visible{outline-color:#fff}",
    ".shopbot-status{padding:6px 14px;font-size:12px;background:#fef3c7;color:#78350f}",
    ".shopbot-status.shopbot-mode{background:#e0f2fe;color:#0c4a6e}",
    ".shopbot-log{flex:1;overflow-y:auto;padding:14px;display:flex;flex-direction:column;gap:10px;background:#f8fafc}",
    ".shopbot-item{display:flex;flex-direction:column;gap:6px;max-width:88%;align-self:flex-start}",
    ".shopbot-item.shopbot-from-user{align-self:flex-end;align-items:flex-end}",
    ".shopbot-item.shopbot-with-cards{max-width:100%;width:100%}",
    ".shopbot-label{font-size:11px;color:#64748b;margin:0 4px}",
    ".shopbot-bubble{align-self:inherit;padding:8px 12px;border-radius:14px;background:#e2e8f0;",
    "white-space:pre-wrap;overflow-wrap:anywhere}",
    ".shopbot-from-user .shopbot-bubble{background:var(--shopbot-accent);color:#fff}",
    ".shopbot-from-agent .shopbot-bubble{background:#ede9fe}",
    ".shopbot-pending .shopbot-bubble{opacity:.65}",
    ".shopbot-failed .shopbot-bubble{opacity:.65;outline:1px dashed #dc2626}",
    ".shopbot-note{font-size:12px;color:#b91c1c;margin:0 4px}",
    ".shopbot-notice{align-self:center;max-width:90%;margin:0;font-size:12px;color:#475569;text-align:center;white-space:pre-wrap}",
    ".shopbot-notice.shopbot-error{color:#b91c1c}",
    ".shopbot-typing{display:flex;gap:4px;padding:12px;border-radius:14px;background:#e2e8f0}",
    ".shopbot-typing span{width:7px;height:7px;border-radius:50%;background:#64748b;animation:shopbot-blink 1.2s infinite}",
    ".shopbot-typing span:nth-child(2){animation-delay:.2s}.shopbot-typing span:nth-child(3){animation-delay:.4s}",
    "@keyframes shopbot-blink{0%,80%,100%{opacity:.25}40%{opacity:1}}",
    "@media (prefers-reduced-motion:reduce){.shopbot-typing span{animation:none}}",
    ".shopbot-cards{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:8px}",
    ".shopbot-card{display:flex;gap:10px;padding:8px;border:1px solid #e2e8f0;border-radius:12px;background:#fff}",
    ".shopbot-media{flex:none;width:72px;height:72px;border-radius:8px;overflow:hidden;background:#f1f5f9;",
    "display:grid;place-items:center;font-size:26px;font-weight:600;color:#94a3b8}",
    ".shopbot-media img{width:100%;height:100%;object-fit:cover}",
    ".shopbot-card-body{flex:1;min-width:0;display:flex;flex-direction:column;gap:2px}",
    ".shopbot-card-title{margin:0;font-weight:600;overflow-wrap:anywhere}",
    ".shopbot-card-line{margin:0;font-size:13px;color:#334155}",
    ".shopbot-was{color:#64748b;margin-left:6px}.shopbot-in{color:#15803d}.shopbot-out{color:#b91c1c}",
    ".shopbot-actions{display:flex;gap:8px;margin-top:4px}",
    ".shopbot-view,.shopbot-add{font-size:13px;padding:4px 10px;border-radius:8px;cursor:pointer;text-decoration:none}",
    ".shopbot-view{border:1px solid #cbd5e1;color:#1f2937;background:#fff}",
    ".shopbot-add{border:0;background:var(--shopbot-accent);color:#fff}",
    ".shopbot-chips{display:flex;flex-wrap:wrap;gap:6px}",
    ".shopbot-chip{padding:5px 12px;border:1px solid var(--shopbot-accent);border-radius:999px;background:#fff;",
    "color:var(--shopbot-accent);cursor:pointer}",
    // Quick replies and "Add to cart" act on the latest answer only: older ones refer to stale results.
    ".shopbot-item:not(.shopbot-current) .shopbot-chips,.shopbot-item:not(.shopbot-current) .shopbot-add{display:none}",
    ".shopbot-form{display:flex;gap:8px;align-items:flex-end;padding:10px;border-top:1px solid #e2e8f0;background:#fff}",
    ".shopbot-input{flex:1;resize:none;min-height:40px;max-height:120px;padding:9px 10px;border:1px solid #cbd5e1;",
    "border-radius:10px;background:#fff}",
    ".shopbot-send{height:40px;padding:0 16px;border:0;border-radius:10px;background:var(--shopbot-accent);color:#fff;",
    "font-weight:600;cursor:pointer}",
    ".shopbot-send:disabled{opacity:.5;cursor:not-allowed}",
    ".shopbot-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    // A phone: the open panel is the whole screen, and the launcher waits behind it.
    "@media (max-width:480px){.shopbot-root .shopbot-panel{inset:0;width:100%;height:100%;border-radius:0}",
    ".shopbot-root.shopbot-open .shopbot-launcher{display:none}}",
  ].join("\n");

  // -- helpers ---------------------------------------------------------------------------

  /** An element; `attrs` are set as properties when the element has them, else as attributes. */
  function el(tag, className, text, attrs) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k in node && k.indexOf("-") < 0) node[k] = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    return node;
  }

  var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  function randomId(length) {
    var bytes = crypto.getRandomValues(new Uint8Array(length));
    return Array.prototype.map.call(bytes, function (b) { return ALPHABET[b & 63]; }).join("");
  }

  // Storage can throw (cookies blocked, sandboxed frames): the widget works on, it only forgets.
  function storage(kind) {
    return {
      get: function (key) { try { return window[kind].getItem(key); } catch (e) { return null; } },
      set: function (key, value) { try { window[kind].setItem(key, value); } catch (e) { /* forget */ } },
    };
  }
  var local = storage("localStorage"), perTab = storage("sessionStorage");

  function httpUrl(value) {
    try {
      var url = new URL(String(value));
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  // Money in the store's own format, the same rules as the chat text (retrieval/money.py):
  // "$12.99", "$50", "₹1,29,999", "€12,50", "¥1,300", others "12.50 CHF". Not the
  // browser's locale: a card must show the price the way the reply next to it does.
  // [symbol, decimal mark, group mark, minor digits, Indian grouping]
  var MONEY_STYLES = {
    USD: ["$", ".", ",", 2], INR: ["₹", ".", ",", 2, true], EUR: ["€", ",", ".", 2], GBP: ["£", ".", ",", 2],
    JPY: ["¥", ".", ",", 0], CAD: ["CA$", ".", ",", 2], AUD: ["A$", ".", ",", 2]
  };

  function money(amount, currency) {
    var code = String(currency || "USD").toUpperCase();
    var style = MONEY_STYLES[code] || ["", ".", ",", 2];
    var scale = Math.pow(10, style[3]), minor = Math.round(Math.abs(Number(amount)) * scale);
    if (!isFinite(minor)) return String(amount) + " " + code;
    var whole = String(Math.floor(minor / scale)), fraction = String(minor % scale);
    var head = whole.slice(0, -3), groups = [whole.slice(-3)], size = style[4] ? 2 : 3;
    for (; head; head = head.slice(0, -size)) groups.unshift(head.slice(-size));
    var text = groups.join(style[2]);
    if (minor % scale) {
      while (fraction.length < style[3]) fraction = "0" + fraction;
      text += style[1] + fraction;
    }
    var sign = Number(amount) < 0 && minor ? "-" : "";
    return style[0] ? sign + style[0] + text : sign + text + " " + code;
  }

  function chatIcon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg"), path = document.createElementNS(ns, "path");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    path.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z");
    svg.appendChild(path);
    return svg;
  }

  // -- the widget ------------------------------------------------------------------------

  function Widget(options) {
    var opts = (this.opts = {}), self = this;
    Object.keys(DEFAULTS).forEach(function (k) { opts[k] = options[k] !== undefined ? options[k] : DEFAULTS[k]; });
    opts.server = String(opts.server).replace(/\/+$/, "");
    var key = "shopbot:" + opts.server + ":";
    this.keys = { session: key + "session", outbox: key + "outbox", open: key + "open", draft: key + "draft" };
    this.session = local.get(this.keys.session);
    if (!/^[A-Za-z0-9_-]{8,64}$/.test(this.session || "")) {
      this.session = "w_" + randomId(22);
      local.set(this.keys.session, this.session);
    }
    this.lastId = 0; // the newest stored event shown: a reconnect asks only for what came after it
    this.nodes = new Map(); // event id -> element, so no event is ever shown twice
    this.outbox = []; // the shopper's unanswered messages: {client_id, text, el, id once acked, adopted}
    this.busySince = 0;
    this.ws = null;
    this.ready = false; // connected and the hello answered
    this.everConnected = false;
    this.attempts = 0;
    this.mode = "bot";
    this.agent = null;
    this.stream = null; // the bot bubble being streamed
    this.typing = null;

    this.build();
    this.restoreOutbox();
    var wasOpen = perTab.get(this.keys.open); // a panel left open stays open on the next page
    this.setOpen(wasOpen === null ? !!opts.open : wasOpen === "1", false);
    this.connect();
    window.addEventListener("online", function () { self.reconnectNow(); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") self.reconnectNow();
    });
    setInterval(function () { self.heartbeat(); }, PING_EVERY_MS);
  }

  Widget.prototype.build = function () {
    var self = this, opts = this.opts;
    if (!document.getElementById("shopbot-style")) document.head.appendChild(el("style", null, CSS, { id: "shopbot-style" }));
    var root = (this.root = el("div", "shopbot-root" + (opts.position === "left" ? " shopbot-left" : "")));
    root.style.setProperty("--shopbot-accent", String(opts.accent));
    var panelId = "shopbot-panel-" + randomId(6);

    var launcher = (this.launcher = el("button", "shopbot-launcher", null,
      { type: "button", "aria-label": "Chat with " + opts.title, "aria-controls": panelId }));
    launcher.appendChild(chatIcon());
    launcher.appendChild((this.badge = el("span", "shopbot-badge", null, { hidden: true })));
    launcher.addEventListener("click", function () { self.setOpen(!self.isOpen, true); });

    var panel = (this.panel = el("div", "shopbot-panel", null, { id: panelId, role: "dialog", "aria-label": opts.title }));
    var header = el("div", "shopbot-header");
    header.appendChild(el("h2", "shopbot-title", opts.title));
    var close = el("button", "shopbot-close", "×", { type: "button", "aria-label": "Close chat" });
    close.addEventListener("click", function () { self.setOpen(false, true); });
    header.appendChild(close);
    this.status = el("div", "shopbot-status", null, { role: "status", hidden: true });
    var log = (this.log = el("div", "shopbot-log", null,
      { role: "log", "aria-live": "polite", "aria-label": "Conversation", tabIndex: 0 })); // 0: scrollable by keyboard
    if (opts.greeting) {
      log.appendChild(this.item("bot", opts.greeting));
      log.lastChild.classList.add("shopbot-greeting");
    }

    var form = el("form", "shopbot-form");
    var input = (this.input = el("textarea", "shopbot-input", null,
      { rows: 1, placeholder: opts.placeholder, "aria-label": "Message" }));
    input.value = perTab.get(this.keys.draft) || "";
    this.sendButton = el("button", "shopbot-send", "Send", { type: "submit" });
    form.appendChild(input);
    form.appendChild(this.sendButton);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (self.busy() || !input.value.trim()) return; // the text stays in the box until it can go
      var text = input.value;
      input.value = "";
      self.saveDraft();
      self.send(text);
    });
    input.addEventListener("keydown", function (e) {
      // Enter sends, Shift+Enter is a new line; not while an input method is composing.
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        form.requestSubmit();
      }
    });
    input.addEventListener("input", function () { self.saveDraft(); });

    [header, this.status, log, form].forEach(function (n) { panel.appendChild(n); });
    root.appendChild(panel);
    root.appendChild(launcher);
    root.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && self.isOpen) {
        e.preventDefault();
        self.setOpen(false, true);
      }
    });
    document.body.appendChild(root);
  };

  Widget.prototype.setOpen = function (open, moveFocus) {
    this.isOpen = open;
    this.panel.hidden = !open;
    this.root.classList.toggle("shopbot-open", open);
    this.launcher.setAttribute("aria-expanded", String(open));
    perTab.set(this.keys.open, open ? "1" : "0");
    if (open) {
      this.badge.hidden = true;
      this.log.scrollTop = this.log.scrollHeight;
    }
    if (moveFocus) (open ? this.input : this.launcher).focus();
  };

  Widget.prototype.saveDraft = function () {
    perTab.set(this.keys.draft, this.input.value);
    this.input.style.height = "auto";
    this.input.style.height = Math.min(this.input.scrollHeight + 2, 120) + "px";
  };

  // Follow new messages only when the shopper is at the bottom; never yank them away from reading.
  Widget.prototype.change = function (fn, follow) {
    var log = this.log;
    var atBottom = follow || log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    fn.call(this);
    this.markCurrent();
    if (atBottom) log.scrollTop = log.scrollHeight;
  };

  // -- rendering -------------------------------------------------------------------------

  Widget.prototype.item = function (role, text, label) {
    var item = el("div", "shopbot-item shopbot-from-" + role);
    if (label) item.appendChild(el("span", "shopbot-label", label));
    if (text) {
      var bubble = el("div", "shopbot-bubble");
      // Said by whom, for screen readers (the log announces additions).
      if (!label) bubble.appendChild(el("span", "shopbot-sr", (role === "user" ? "You" : this.opts.title) + ": "));
      bubble.appendChild(el("span", "shopbot-text", text));
      item.appendChild(bubble);
    }
    return item;
  };

  Widget.prototype.card = function (card) {
    var self = this, title = String(card.title || "");
    var li = el("li", "shopbot-card");
    var media = li.appendChild(el("div", "shopbot-media", title.trim().charAt(0).toUpperCase(), { "aria-hidden": "true" }));
    var image = httpUrl(card.image_url);
    if (image) {
      var img = el("img", null, null, { alt: "", loading: "lazy", referrerPolicy: "no-referrer" });
      img.addEventListener("load", function () { media.textContent = ""; media.appendChild(img); });
      img.src = image; // shown once it loads; the initial letter stays if it never does
    }
    var body = li.appendChild(el("div", "shopbot-card-body"));
    body.appendChild(el("p", "shopbot-card-title", title));
    var price = body.appendChild(el("p", "shopbot-card-line shopbot-price"));
    if (typeof card.price === "number") price.appendChild(el("strong", null, money(card.price, card.currency)));
    if (typeof card.compare_at_price === "number" && card.compare_at_price > card.price) {
      var was = money(card.compare_at_price, card.currency);
      price.appendChild(el("s", "shopbot-was", was, { "aria-label": "was " + was }));
    }
    var meta = body.appendChild(el("p", "shopbot-card-line"));
    // No stock status when the catalog does not track it (stock_known false): it can be
    // bought, but "In stock" would be a guess.
    var showStock = !card.in_stock || card.stock_known !== false;
    if (typeof card.rating === "number") {
      var rating = card.rating.toFixed(1), reviews = card.review_count || 0;
      meta.appendChild(el("span", "shopbot-rating", "★ " + rating + (reviews ? " (" + reviews + ")" : "") + (showStock ? " · " : ""),
        { "aria-label": "Rated " + rating + " out of 5" + (reviews ? ", " + reviews + " reviews. " : ". ") }));
    }
    if (showStock) {
      meta.appendChild(el("span", "shopbot-stock " + (card.in_stock ? "shopbot-in" : "shopbot-out"),
        card.in_stock ? "In stock" : "Out of stock"));
    }
    var actions = body.appendChild(el("div", "shopbot-actions"));
    var href = httpUrl(card.url);
    if (href) {
      var view = actions.appendChild(el("a", "shopbot-view", "View", { href: href, target: "_blank",
        rel: "noopener noreferrer", "aria-label": "View " + title + " (opens in a new tab)" }));
      // Opening a product is a signal of taste for the shopper's next suggestions.
      view.addEventListener("click", function () { self.signal("clicked", card.id); });
    }
    if (card.in_stock && title) {
      var add = actions.appendChild(el("button", "shopbot-add", "Add to cart",
        { type: "button", "aria-label": "Add " + title + " to cart" }));
      // The bot finds the product by its name among its latest results. ("... to my cart" would be
      // read as "show my cart".)
      add.addEventListener("click", function () { self.send("Add the " + title + " to cart"); });
    }
    return li;
  };

  // Report what the shopper did with a product; dropped when offline (a hint, not a message).
  Widget.prototype.signal = function (kind, productId) {
    if (this.ready && productId) this.ws.send(JSON.stringify({ type: "signal", kind: kind, product_id: String(productId) }));
  };

  Widget.prototype.eventNode = function (ev) {
    var self = this;
    if (ev.role === "system") return el("p", "shopbot-notice", ev.text);
    var label = ev.role !== "agent" ? null : ev.agent || (ev.payload && ev.payload.agent) || this.agent || "Support";
    var item = this.item(ev.role === "agent" || ev.role === "user" ? ev.role : "bot", ev.text, label);
    var cards = Array.isArray(ev.cards) ? ev.cards.filter(function (c) { return c && typeof c === "object"; }) : [];
    if (cards.length) {
      item.classList.add("shopbot-with-cards");
      var list = item.appendChild(el("ul", "shopbot-cards", null, { "aria-label": "Products" }));
      cards.forEach(function (c) { list.appendChild(self.card(c)); });
    }
    var buttons = Array.isArray(ev.buttons) ? ev.buttons.filter(function (b) { return b && b.title; }) : [];
    if (buttons.length) {
      var chips = item.appendChild(el("div", "shopbot-chips", null, { role: "group", "aria-label": "Suggested replies" }));
      buttons.forEach(function (b) {
        var chip = chips.appendChild(el("button", "shopbot-chip", b.title, { type: "button" }));
        chip.addEventListener("click", function () { self.send(String(b.payload || b.title)); });
      });
    }
    return item;
  };

  // The log is in stored-event order; unsent, streaming and typing bubbles (no id) stay last.
  Widget.prototype.place = function (node, id) {
    var before = null;
    for (var child = this.log.firstElementChild; child && !before; child = child.nextElementSibling) {
      if (!child.classList.contains("shopbot-greeting") && (child.dataset.id ? +child.dataset.id : Infinity) > id) before = child;
    }
    if (node.nextElementSibling !== before || node.parentNode !== this.log) this.log.insertBefore(node, before);
  };

  // Only the newest message offers its quick replies and "Add to cart".
  Widget.prototype.markCurrent = function () {
    var items = this.log.querySelectorAll(".shopbot-item:not(.shopbot-greeting):not(.shopbot-typing-item)");
    var last = items[items.length - 1];
    this.log.querySelectorAll(".shopbot-current").forEach(function (n) { n.classList.remove("shopbot-current"); });
    if (last) last.classList.add("shopbot-current");
  };

  Widget.prototype.show = function (ev, live) {
    if (!ev || typeof ev.id !== "number") return;
    // Before the duplicate check: a replayed reply already on screen still ends the wait.
    if (ev.role === "bot" || ev.role === "agent") this.answered(ev.id);
    if (this.nodes.has(ev.id)) return;
    this.lastId = Math.max(this.lastId, ev.id);
    var node = null;
    if (ev.role === "user") {
      // Our own message, stored although its ack was lost: it takes over the unsent bubble.
      var mine = this.outbox.find(function (m) { return !m.id && !m.adopted && m.text === ev.text; });
      if (mine) { mine.adopted = ev; node = mine.el; }
    }
    node = node || this.eventNode(ev);
    node.dataset.id = ev.id;
    this.nodes.set(ev.id, node);
    this.change(function () {
      if (ev.role === "bot") this.dropStream(); // the stored reply replaces the streamed text
      this.place(node, ev.id);
    });
    if (live && !this.isOpen && ev.role !== "user") this.badge.hidden = false;
  };

  Widget.prototype.notice = function (text) {
    // Placed after what was on screen when it happened; later messages go below it.
    var node = el("p", "shopbot-notice shopbot-error", text, { role: "alert" });
    node.dataset.id = this.lastId + 0.5;
    this.change(function () { this.log.appendChild(node); });
  };

  Widget.prototype.showTyping = function (on) {
    if (on && !this.typing) {
      this.typing = el("div", "shopbot-item shopbot-typing-item");
      var dots = this.typing.appendChild(el("div", "shopbot-typing", null, { role: "img", "aria-label": this.opts.title + " is typing" }));
      for (var i = 0; i < 3; i++) dots.appendChild(el("span"));
      this.change(function () { this.log.appendChild(this.typing); });
    } else if (!on && this.typing) {
      this.typing.remove();
      this.typing = null;
    }
  };

  Widget.prototype.token = function (text) {
    this.showTyping(false);
    this.change(function () {
      if (!this.stream) {
        this.stream = this.log.appendChild(this.item("bot", " "));
        this.stream.classList.add("shopbot-streaming");
        this.streamText = this.stream.querySelector(".shopbot-text");
        this.streamText.textContent = "";
        this.log.setAttribute("aria-busy", "true"); // announce the finished reply, not every token
      }
      this.streamText.appendChild(document.createTextNode(text));
    });
  };

  Widget.prototype.dropStream = function () {
    if (this.stream) this.stream.remove();
    this.stream = null;
    this.log.removeAttribute("aria-busy");
  };

  Widget.prototype.setStatus = function () {
    var text = "";
    if (!this.ready) text = this.everConnected ? "Reconnecting…" : "Connecting…";
    else if (this.mode === "waiting_agent") text = "Connecting you to a person…";
    else if (this.mode === "agent") text = "You're chatting with " + (this.agent || "a person");
    this.status.textContent = text;
    this.status.hidden = !text;
    this.status.classList.toggle("shopbot-mode", this.ready);
  };

  Widget.prototype.setMode = function (mode, agent) {
    if (typeof mode !== "string") return;
    this.mode = mode;
    if (agent !== undefined) this.agent = agent || null;
    if (mode === "agent" || mode === "waiting_agent") this.answered(Infinity); // a person answers, in time
    this.setStatus();
  };

  // -- sending ---------------------------------------------------------------------------

  Widget.prototype.busy = function () {
    return this.ready && this.outbox.length > 0 && Date.now() - this.busySince < BUSY_AT_MOST_MS;
  };

  Widget.prototype.updateBusy = function () {
    var self = this;
    this.sendButton.disabled = this.busy();
    clearTimeout(this.busyTimer);
    if (this.sendButton.disabled) this.busyTimer = setTimeout(function () { self.updateBusy(); }, BUSY_AT_MOST_MS);
  };

  // A reply (or a person taking over) answers every acknowledged message stored before it: the
  // server answers the messages of a conversation one at a time, in order.
  Widget.prototype.answered = function (replyId) {
    var before = this.outbox.length;
    this.outbox = this.outbox.filter(function (m) { return !(m.id && m.id < replyId); });
    if (this.outbox.length === before) return;
    this.saveOutbox();
    if (!this.outbox.some(function (m) { return m.id; })) this.showTyping(false);
    this.updateBusy();
  };

  Widget.prototype.pending = function (text, clientId) {
    var entry = { client_id: clientId || "m_" + randomId(20), text: text, el: this.item("user", text), id: 0, adopted: null };
    entry.el.classList.add("shopbot-pending");
    this.outbox.push(entry);
    return entry;
  };

  Widget.prototype.send = function (text) {
    text = String(text).trim();
    if (!text) return;
    var entry = this.pending(text);
    this.saveOutbox();
    this.change(function () { this.log.appendChild(entry.el); }, true);
    this.busySince = Date.now();
    this.transmit(entry);
    this.updateBusy();
  };

  Widget.prototype.transmit = function (entry) {
    if (this.ready) this.ws.send(JSON.stringify({ type: "message", text: entry.text, client_id: entry.client_id }));
  };

  // Unanswered messages survive a reload of the tab and are re-sent with the same client_id.
  Widget.prototype.saveOutbox = function () {
    perTab.set(this.keys.outbox, JSON.stringify(this.outbox.map(function (m) { return [m.client_id, m.text]; })));
  };

  Widget.prototype.restoreOutbox = function () {
    var saved;
    try { saved = JSON.parse(perTab.get(this.keys.outbox) || "[]"); } catch (e) { saved = []; }
    (Array.isArray(saved) ? saved : []).forEach(function (m) {
      if (Array.isArray(m) && typeof m[0] === "string" && typeof m[1] === "string") this.log.appendChild(this.pending(m[1], m[0]).el);
    }, this);
  };

  Widget.prototype.acked = function (frame) {
    var ev = frame.event;
    var entry = this.outbox.find(function (m) { return m.client_id === frame.client_id; });
    if (!entry || !ev || typeof ev.id !== "number") return this.show(ev, true);
    entry.id = ev.id; // it stays in the outbox until its reply arrives
    var other = entry.adopted && entry.adopted.id !== ev.id ? entry.adopted : null;
    if (other) this.nodes.delete(other.id); // adopted by mistake (the same text): someone else's
    entry.el.classList.remove("shopbot-pending");
    var existing = this.nodes.get(ev.id);
    if (existing && existing !== entry.el) {
      entry.el.remove();
      entry.el = existing;
    } else {
      entry.el.dataset.id = ev.id;
      this.nodes.set(ev.id, entry.el);
      this.change(function () { this.place(entry.el, ev.id); });
    }
    if (other) this.show(other, false);
    this.lastId = Math.max(this.lastId, ev.id);
    this.busySince = Date.now();
    this.updateBusy();
  };

  Widget.prototype.failed = function (frame) {
    var error = String(frame.error || "Something went wrong.");
    var entry = this.outbox.find(function (m) { return m.client_id === frame.client_id; });
    this.showTyping(false);
    if (!entry) return this.notice(error);
    this.outbox.splice(this.outbox.indexOf(entry), 1);
    this.saveOutbox();
    entry.el.classList.replace("shopbot-pending", "shopbot-failed");
    entry.el.dataset.id = this.lastId + 0.5;
    entry.el.appendChild(el("p", "shopbot-note", "Not sent: " + error, { role: "alert" }));
    if (!this.input.value) { this.input.value = entry.text; this.saveDraft(); } // never lose what was typed
    this.updateBusy();
  };

  // -- the connection --------------------------------------------------------------------

  Widget.prototype.connect = function () {
    var self = this, ws;
    clearTimeout(this.retryTimer);
    if (this.ws) return;
    try {
      ws = this.ws = new WebSocket(this.opts.server.replace(/^http/, "ws") + "/ws");
    } catch (e) {
      return this.retry();
    }
    ws.onopen = function () {
      self.lastFrameAt = Date.now();
      ws.send(JSON.stringify({ type: "hello", session: self.session, after: self.lastId }));
    };
    ws.onmessage = function (e) {
      self.lastFrameAt = Date.now();
      var frame;
      try { frame = JSON.parse(e.data); } catch (err) { return; }
      if (frame && typeof frame === "object") self.receive(frame);
    };
    ws.onclose = function () { self.lost(); };
    this.setStatus();
  };

  Widget.prototype.lost = function () {
    var ws = this.ws;
    this.ws = null;
    if (ws) { ws.onopen = ws.onmessage = ws.onclose = null; ws.close(); }
    this.ready = false;
    this.showTyping(false);
    this.dropStream(); // the stored reply comes with the history after the reconnect
    this.setStatus();
    this.updateBusy();
    this.retry();
  };

  // Exponential backoff with jitter, so a restarted server is not hit by every shopper at once.
  Widget.prototype.retry = function () {
    var self = this, base = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * Math.pow(2, this.attempts++));
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(function () { self.connect(); }, base / 2 + (Math.random() * base) / 2);
  };

  Widget.prototype.reconnectNow = function () {
    if (this.ws) return;
    this.attempts = 0;
    this.connect();
  };

  Widget.prototype.heartbeat = function () {
    if (!this.ws || !this.ready) return;
    if (Date.now() - this.lastFrameAt > SILENT_TOO_LONG_MS) return this.lost(); // a half-open socket
    this.ws.send(JSON.stringify({ type: "ping" }));
  };

  Widget.prototype.receive = function (frame) {
    switch (frame.type) {
      case "history":
        this.ready = this.everConnected = true;
        this.attempts = 0;
        (Array.isArray(frame.events) ? frame.events : []).forEach(function (ev) { this.show(ev, false); }, this);
        if ("mode" in frame) this.setMode(frame.mode, frame.agent);
        this.setStatus();
        // Everything unanswered goes again with the same client_ids: the server stores each once and
        // answers it once (or replays the answer), whether the message, its ack or its reply was lost.
        this.outbox.forEach(this.transmit, this);
        if (this.outbox.length) this.busySince = Date.now();
        return this.updateBusy();
      case "ack": return this.acked(frame);
      case "typing": return this.showTyping(true);
      case "token": return typeof frame.text === "string" && this.token(frame.text);
      case "retract":
        this.dropStream();
        return this.showTyping(true);
      case "message": return this.show(frame.event, true);
      case "held":
      case "mode": return this.setMode(frame.mode, frame.agent);
      case "error": return this.failed(frame);
    }
  };

  // -- the public API --------------------------------------------------------------------

  var widget = null;
  window.Shopbot = {
    version: "1",
    /** Add the widget to the page (once). Options: see DEFAULTS and the README. */
    init: function (options) {
      if (widget) return;
      var start = function () { widget = widget || new Widget(options || {}); };
      if (document.body) start();
      else document.addEventListener("DOMContentLoaded", start);
    },
    open: function () { if (widget) widget.setOpen(true, true); },
    close: function () { if (widget) widget.setOpen(false, true); },
    /** Send a message as the shopper, e.g. from an "Ask about this product" button on the page. */
    send: function (text) {
      if (!widget) return;
      widget.setOpen(true, false);
      widget.send(text);
    },
  };
})();

// Switchboard desk console: live lists over server-sent events, SLA
// countdowns, suggestion buttons, the template picker. No framework; every
// fragment comes escaped from the server.
(function () {
  "use strict";
  var body = document.body;
  var skew = Number(body.dataset.now || Date.now()) - Date.now();
  var conv = body.dataset.conv || "";
  var names = { first_response: "first reply", next_response: "next reply", resolution: "resolve" };

  function fmt(ms) {
    var neg = ms < 0;
    ms = Math.abs(ms);
    var s = Math.floor(ms / 1000), m = Math.floor(s / 60), h = Math.floor(m / 60), d = Math.floor(h / 24);
    var t = d > 0 ? d + "d " + (h % 24) + "h" : h > 0 ? h + "h " + (m % 60) + "m" : m + "m " + (s % 60) + "s";
    return neg ? "late " + t : t;
  }

  function tick() {
    var now = Date.now() + skew;
    document.querySelectorAll(".timer[data-due]").forEach(function (el) {
      var due = Number(el.dataset.due), warn = Number(el.dataset.warn);
      if (!due || due < 0) { el.textContent = ""; return; }
      el.classList.toggle("warn", now >= warn && now < due);
      el.classList.toggle("breach", now >= due);
      el.textContent = (names[el.dataset.kind] || el.dataset.kind) + " " + fmt(due - now);
    });
  }

  function mark() {
    document.querySelectorAll("#lists li.item").forEach(function (li) {
      li.classList.toggle("current", li.dataset.id === conv);
    });
  }

  function wire(root) {
    root.querySelectorAll(".suggestion").forEach(function (b) {
      b.addEventListener("click", function () {
        var ta = document.getElementById("text");
        if (ta) { ta.value = b.dataset.text; ta.focus(); }
      });
    });
    var sel = root.querySelector("#template");
    if (sel) {
      var show = function () {
        var opt = sel.options[sel.selectedIndex];
        var n = opt ? Number(opt.dataset.params) : 0;
        root.querySelectorAll("label.param").forEach(function (l, i) {
          l.hidden = i >= n;
          l.querySelector("input").required = i < n;
        });
      };
      sel.addEventListener("change", show);
      show();
    }
    var tr = root.querySelector("#transcript");
    if (tr) { tr.scrollTop = tr.scrollHeight; }
  }

  function swap(doc, id) {
    var fresh = doc.getElementById(id), old = document.getElementById(id);
    if (fresh && old) { old.replaceWith(fresh); return fresh; }
    return null;
  }

  // zoneHTML is the reply zone as the server last sent it (before wire()
  // touched it), so a refresh that brings the same zone changes nothing.
  var zone0 = document.getElementById("zone");
  var zoneHTML = zone0 ? zone0.outerHTML : "";
  var pending = null;
  function refresh(convToo) {
    if (pending) { pending.conv = pending.conv || convToo; return; }
    pending = { conv: convToo };
    setTimeout(function () {
      var p = pending;
      pending = null;
      fetch("lists", { credentials: "same-origin" }).then(function (r) { return r.ok ? r.text() : ""; }).then(function (html) {
        if (html) { document.getElementById("lists").innerHTML = html; mark(); tick(); }
      });
      if (p.conv && conv) {
        fetch("c/" + encodeURIComponent(conv) + "/view", { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.text() : ""; })
          .then(function (html) {
            if (!html) { return; }
            var doc = new DOMParser().parseFromString("<main>" + html + "</main>", "text/html");
            ["conv-head", "transcript", "card"].forEach(function (id) { swap(doc, id); });
            var zoneOld = document.getElementById("zone"), zoneNew = doc.getElementById("zone");
            if (zoneOld && zoneNew && zoneNew.outerHTML !== zoneHTML) {
              // Keep what the agent is writing: replace the reply zone only
              // when the agent is not in it, or when what may be sent changed.
              var busy = zoneOld.contains(document.activeElement) ||
                [].some.call(zoneOld.querySelectorAll("textarea, input:not([type=hidden]):not([type=checkbox])"),
                  function (el) { return el.value !== ""; });
              if (!busy || zoneOld.dataset.mode !== zoneNew.dataset.mode || zoneOld.dataset.holder !== zoneNew.dataset.holder) {
                zoneHTML = zoneNew.outerHTML;
                zoneOld.replaceWith(zoneNew);
              }
            }
            wire(document);
            tick();
          });
      }
    }, 50);
  }

  if (window.EventSource) {
    var es = new EventSource("events"), opened = false;
    // data-live tells tests (and styles) that events flow; after a
    // reconnection, refresh to catch what happened while disconnected.
    es.onopen = function () {
      body.dataset.live = "1";
      if (opened) { refresh(true); }
      opened = true;
    };
    es.onerror = function () { body.dataset.live = "0"; };
    es.onmessage = function (e) {
      var parts = String(e.data).split(" ");
      refresh(parts[1] === conv);
    };
  }
  wire(document);
  mark();
  tick();
  setInterval(tick, 1000);
  // Events reach only the consoles of the process that produced them; with
  // several instances, a slow refresh catches what others changed.
  setInterval(function () { refresh(true); }, 15000);
})();

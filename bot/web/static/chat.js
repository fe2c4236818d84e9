// Piiri's member chat: one WebSocket, resumed from the last event seen, no framework.
"use strict";

(function () {
  const texts = JSON.parse(document.getElementById("chat-texts").textContent);
  const list = document.getElementById("messages");
  const announce = document.getElementById("announce");
  const status = document.getElementById("chat-status");
  const form = document.getElementById("composer");
  const input = document.getElementById("composer-text");
  const context = document.getElementById("composer-context");
  const contextText = document.getElementById("composer-context-text");
  const cancel = document.getElementById("composer-cancel");

  const STORE = "piiri.chat";
  const PENDING = "piiri.pending";
  const byId = new Map();
  let lastSeq = 0;
  let ready = false;
  let socket = null;
  let failures = 0;
  let replyTo = null;
  let editing = null;

  // Events already shown, kept for this tab only, so a reload resumes instead of starting over.
  function loadCache() {
    try {
      const saved = JSON.parse(sessionStorage.getItem(STORE) || "null");
      if (saved && Array.isArray(saved.events)) return saved;
    } catch (e) { /* a broken cache is dropped */ }
    return { events: [], lastSeq: 0 };
  }
  const cache = loadCache();

  function saveCache() {
    try {
      sessionStorage.setItem(STORE, JSON.stringify({ events: cache.events.slice(-500), lastSeq: lastSeq }));
    } catch (e) { /* storage full or off: the page still works */ }
  }

  function pending() {
    try { return JSON.parse(localStorage.getItem(PENDING) || "{}"); } catch (e) { return {}; }
  }
  function savePending(items) {
    try { localStorage.setItem(PENDING, JSON.stringify(items)); } catch (e) { /* ignore */ }
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function setStatus(state) {
    status.dataset.state = state;
    status.textContent = texts[state] || "";
  }

  function say(text) {
    const item = document.createElement("p");
    item.textContent = text;
    announce.appendChild(item);
    while (announce.childNodes.length > 3) announce.removeChild(announce.firstChild);
  }

  function stateLabel(element, state) {
    let label = element.querySelector(".msg-state");
    if (!label) {
      label = document.createElement("span");
      label.className = "msg-state";
      element.appendChild(label);
    }
    label.dataset.state = state;
    label.textContent = texts["state_" + state] || "";
  }

  function actionButton(label, handler) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "quiet";
    button.textContent = label;
    button.addEventListener("click", handler);
    return button;
  }

  function quote(element, replyId) {
    const target = byId.get(replyId);
    if (!target) return;
    const q = document.createElement("p");
    q.className = "msg-quote";
    q.textContent = (target.querySelector(".msg-text") || {}).textContent || "";
    element.insertBefore(q, element.firstChild);
  }

  function messageElement(id, mine) {
    let element = byId.get(id);
    if (element) return element;
    element = document.createElement("li");
    element.className = "msg " + (mine ? "mine" : "bot");
    element.dataset.id = id;
    const text = document.createElement("p");
    text.className = "msg-text";
    element.appendChild(text);
    const actions = document.createElement("div");
    actions.className = "msg-actions";
    actions.appendChild(actionButton(texts.reply, () => startReply(id)));
    if (mine) {
      actions.appendChild(actionButton(texts.edit, () => startEdit(id)));
      actions.appendChild(actionButton(texts.delete, () => removeOwn(id)));
    }
    element.appendChild(actions);
    byId.set(id, element);
    list.appendChild(element);
    return element;
  }

  function setText(element, text, mine) {
    const node = element.querySelector(".msg-text");
    if (text === null || text === undefined) {
      node.textContent = texts.purged;
      return;
    }
    if (mine) {
      node.textContent = texts.you + ": " + text;
    } else {
      fillLinked(node, text);
    }
  }

  // Where `part` first stands on its own in `text` (no digit right before or after it).
  function standalone(text, part) {
    let at = text.indexOf(part);
    while (at >= 0) {
      const before = at > 0 ? text[at - 1] : "";
      const after = text[at + part.length] || "";
      if (!/[0-9]/.test(before) && !/[0-9]/.test(after)) return at;
      at = text.indexOf(part, at + 1);
    }
    return -1;
  }

  // The help resources' numbers and addresses (from the server's configuration, never from
  // anyone's message) become links, so help is one tap away on a phone.
  function fillLinked(node, text) {
    node.textContent = "";
    let rest = text;
    while (rest.length) {
      let found = null;
      (texts.help_links || []).forEach((link) => {
        const at = standalone(rest, link.text);
        if (at >= 0 && (found === null || at < found.at)) found = { at: at, link: link };
      });
      if (found === null) {
        node.append(rest);
        return;
      }
      if (found.at > 0) node.append(rest.slice(0, found.at));
      const a = document.createElement("a");
      a.href = found.link.href;
      a.textContent = found.link.text;
      if (!found.link.href.startsWith("tel:")) {
        a.rel = "noopener noreferrer";
        a.target = "_blank";
      }
      node.append(a);
      rest = rest.slice(found.at + found.link.text.length);
    }
  }

  function markDeleted(element) {
    element.classList.add("deleted");
    element.querySelector(".msg-text").textContent = texts.deleted;
    const actions = element.querySelector(".msg-actions");
    if (actions) actions.remove();
    const buttons = element.querySelector(".msg-buttons");
    if (buttons) buttons.remove();
  }

  function addButtons(element, rows) {
    const box = document.createElement("div");
    box.className = "msg-buttons";
    rows.forEach((row) => {
      const line = document.createElement("div");
      line.className = "row";
      row.forEach((b) => {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = b.label;
        button.dataset.action = b.data;
        button.addEventListener("click", () => {
          box.querySelectorAll("button").forEach((x) => { x.disabled = true; });
          send({ type: "button", id: newId(), data: b.data });
        });
        line.appendChild(button);
      });
      box.appendChild(line);
    });
    element.appendChild(box);
  }

  function apply(event, live) {
    const kind = event.kind;
    if (kind === "reset") {
      list.textContent = "";
      byId.clear();
      return;
    }
    if (kind === "send") {
      const element = messageElement(event.id, false);
      if (event.notice) element.classList.add("notice");
      setText(element, event.text, false);
      if (event.reply_to) quote(element, event.reply_to);
      if (event.file) {
        const link = document.createElement("a");
        link.className = "msg-file";
        link.href = event.file.url;
        link.download = event.file.name;
        link.textContent = texts.download + " (" + event.file.name + ")";
        element.insertBefore(link, element.querySelector(".msg-actions"));
      }
      if (event.buttons && event.buttons.length) addButtons(element, event.buttons);
      if (live) say(texts.new_message + " " + (event.text || ""));
    } else if (kind === "own") {
      const element = messageElement(event.id, true);
      setText(element, event.text, true);
      if (event.reply_to && !element.querySelector(".msg-quote")) quote(element, event.reply_to);
    } else if (kind === "edit" || kind === "own_edit") {
      const element = byId.get(event.id);
      if (element) {
        setText(element, event.text, kind === "own_edit");
        element.querySelector(".msg-text").append(" " + texts.edited);
        if (kind === "edit") {
          const box = element.querySelector(".msg-buttons");
          if (box) box.remove();
        }
      }
    } else if (kind === "delete" || kind === "own_delete") {
      const element = byId.get(event.id);
      if (element) markDeleted(element);
    } else if (kind === "state") {
      const element = byId.get(event.id);
      if (element) stateLabel(element, event.state);
    }
  }

  function receive(event, live) {
    if (event.seq <= lastSeq) return;
    if (event.kind === "reset") cache.events = [];
    apply(event, live);
    lastSeq = event.seq;
    cache.events.push(event);
    saveCache();
    if (live) list.lastElementChild && list.lastElementChild.scrollIntoView({ block: "end" });
    if (live) askMeetingIfUnknown();
  }

  function send(message) {
    const items = pending();
    items[message.id] = message;
    savePending(items);
    if (socket && socket.readyState === WebSocket.OPEN && ready) socket.send(JSON.stringify(message));
  }

  function acknowledged(message) {
    const items = pending();
    delete items[message.id];
    savePending(items);
    const element = byId.get(message.id);
    if (!element) return;
    const label = element.querySelector(".msg-state");
    if (message.type === "refused") stateLabel(element, "refused");
    else if (message.state) stateLabel(element, message.state);
    else if (label && label.dataset.state === "sending") label.remove();
  }

  function connect() {
    setStatus(failures ? "offline" : "connecting");
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/ws");
    ready = false;
    socket.addEventListener("open", () => {
      socket.send(JSON.stringify({ type: "hello", last_seq: lastSeq }));
    });
    socket.addEventListener("message", (message) => {
      let data;
      try { data = JSON.parse(message.data); } catch (e) { return; }
      if (data.type === "event") receive(data, ready);
      else if (data.type === "reset") {
        list.textContent = "";
        byId.clear();
        lastSeq = 0;
        cache.events = [];
        savePending({});
      } else if (data.type === "ready") {
        ready = true;
        failures = 0;
        setStatus("online");
        list.lastElementChild && list.lastElementChild.scrollIntoView({ block: "end" });
        Object.values(pending()).forEach((m) => socket.send(JSON.stringify(m)));
      } else if (data.type === "ack" || data.type === "refused") acknowledged(data);
      else if (data.type === "meeting") showMeeting(data.meeting);
    });
    socket.addEventListener("close", (closed) => {
      ready = false;
      if (closed.code === 4401) {
        setStatus("offline");
        location.reload();
        return;
      }
      failures += 1;
      setStatus("offline");
      const wait = Math.min(500 * Math.pow(2, failures - 1), 15000) * (0.75 + Math.random() / 2);
      setTimeout(connect, wait);
    });
  }

  // The session timer: when the next meeting is, how soon it starts, how long it has left.
  const timer = document.getElementById("meeting-timer");
  let meeting = null;

  function showMeeting(next) {
    meeting = next;
    drawMeeting();
  }

  function drawMeeting() {
    if (!timer) return;
    if (!meeting) {
      timer.hidden = true;
      return;
    }
    const now = Date.now();
    const starts = Date.parse(meeting.starts_at);
    const ends = Date.parse(meeting.ends_at);
    let text;
    if (now >= ends) {
      timer.hidden = true;
      return;
    } else if (now >= starts) {
      text = texts.meeting_now.replace("{minutes}", Math.ceil((ends - now) / 60000));
    } else if (starts - now <= 60 * 60000) {
      text = texts.meeting_soon.replace("{minutes}", Math.ceil((starts - now) / 60000));
    } else {
      const when = new Intl.DateTimeFormat(document.documentElement.lang || "fi", {
        weekday: "short", day: "numeric", month: "numeric", hour: "2-digit", minute: "2-digit",
      }).format(new Date(starts));
      text = texts.meeting_next.replace("{when}", when);
    }
    timer.textContent = text;
    timer.hidden = false;
  }

  let meetingAsk = null;

  // With no meeting known yet (the member is joining), news may bring one: ask again once
  // the news has settled for a moment.
  function askMeetingIfUnknown() {
    if (meeting) return;
    clearTimeout(meetingAsk);
    meetingAsk = setTimeout(() => {
      if (!meeting && socket && socket.readyState === WebSocket.OPEN && ready) {
        socket.send(JSON.stringify({ type: "meeting" }));
      }
    }, 1500);
  }

  setInterval(drawMeeting, 20000);

  // A message waiting for a moderator (or for the group to open) shows its new state soon
  // after it moves on: the page asks while it shows one.
  setInterval(() => {
    const waiting = list.querySelector(
      '.msg-state[data-state="held"], .msg-state[data-state="deferred"], ' +
      '.msg-state[data-state="closed"]'
    );
    if (waiting && socket && socket.readyState === WebSocket.OPEN && ready) {
      socket.send(JSON.stringify({ type: "states" }));
    }
  }, 15000);
  setInterval(() => {
    if (socket && socket.readyState === WebSocket.OPEN && ready) {
      socket.send(JSON.stringify({ type: "meeting" }));
    }
  }, 5 * 60000);

  function showContext(text) {
    contextText.textContent = text;
    context.hidden = false;
    input.focus();
  }

  function clearContext() {
    replyTo = null;
    editing = null;
    context.hidden = true;
    contextText.textContent = "";
  }

  function startReply(id) {
    clearContext();
    replyTo = id;
    const target = byId.get(id);
    const text = target ? target.querySelector(".msg-text").textContent : "";
    showContext(texts.replying + " " + text.slice(0, 80));
  }

  function startEdit(id) {
    clearContext();
    editing = id;
    const target = byId.get(id);
    const shown = target ? target.querySelector(".msg-text").textContent : "";
    const prefix = texts.you + ": ";
    input.value = shown.startsWith(prefix) ? shown.slice(prefix.length).replace(" " + texts.edited, "") : shown;
    showContext(texts.editing);
  }

  function removeOwn(id) {
    if (!window.confirm(texts.confirm_delete)) return;
    send({ type: "delete", id: newId(), message: id });
  }

  function submit() {
    const text = input.value;
    if (!text.trim()) return;
    if (editing) {
      send({ type: "edit", id: newId(), message: editing, text: text });
    } else {
      const id = newId();
      const element = messageElement(id, true);
      setText(element, text, true);
      if (replyTo) quote(element, replyTo);
      stateLabel(element, "sending");
      send({ type: "text", id: id, text: text, reply_to: replyTo });
      element.scrollIntoView({ block: "end" });
    }
    input.value = "";
    clearContext();
    input.focus();
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });
  cancel.addEventListener("click", () => {
    if (editing) input.value = "";
    clearContext();
  });
  document.querySelectorAll("[data-command]").forEach((button) => {
    button.addEventListener("click", () => {
      send({ type: "command", id: newId(), name: button.dataset.command });
    });
  });

  cache.events.forEach((event) => {
    if (event.seq > lastSeq) {
      apply(event, false);
      lastSeq = event.seq;
    }
  });
  connect();
})();

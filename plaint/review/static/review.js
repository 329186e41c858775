// plaint review: one post at a time. Post text is untrusted: it reaches the page only as text
// nodes (textContent, createTextNode), never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { history: [], at: -1, post: null, types: new Set(), strategies: new Set(), codes: null, saves: 0 };

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  const response = await fetch(path, { credentials: "same-origin", ...options });
  const answer = await response.json().catch(() => ({ error: `the page answered ${response.status}` }));
  if (!response.ok) throw new Error(answer.error || `the page answered ${response.status}`);
  return answer;
}

function say(text) { $("status").textContent = text; }

function showState(s) {
  state.codes = s.codes;
  $("reviewer").textContent = `— ${s.reviewer}`;
  const total = s.screened + s.left;
  $("bar").max = Math.max(total, 1);
  $("bar").value = s.screened;
  $("counts").textContent = `screened ${s.screened} · left ${s.left} · confirmed ${s.confirmed}`;
  $("hint").textContent = s.hint;
  const m = s.model;
  $("model").textContent = m.note + (m.retraining ? " (fitting again now…)" :
    ` (fitted again in ${m.next_fit_in} decisions)`) + (m.problem ? ` — ${m.problem}` : "");
  const table = $("comparison"), body = table.querySelector("tbody");
  body.replaceChildren();
  if (m.comparison) {
    for (const name of ["study", "shipped"]) {
      const row = document.createElement("tr"), c = m.comparison[name];
      for (const value of [name, c.auc, c.average_precision, c.recall_complaint_tier, c.precision_complaint_tier]) {
        const cell = document.createElement("td");
        cell.textContent = value === null ? "–" : String(value);
        row.append(cell);
      }
      body.append(row);
    }
    table.hidden = false;
    table.title = `cross-validated on ${m.comparison.decided_posts} decided posts`;
  } else {
    table.hidden = true;
  }
  if (!$("types").childElementCount) buildToggles();
}

function buildToggles() {
  const make = (where, codes, kind, label) => codes.forEach((code, i) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "code";
    button.dataset.kind = kind;
    button.dataset.code = code;
    const key = document.createElement("kbd");
    key.textContent = label(i);
    button.append(key, document.createTextNode(code.replaceAll("_", " ")));
    button.addEventListener("click", () => toggle(kind, code));
    where.append(button);
  });
  make($("types"), state.codes.types, "types", (i) => String(i + 1));
  make($("strategies"), state.codes.strategies, "strategies", (i) => `⇧${i + 1}`);
}

function showToggles() {
  for (const button of document.querySelectorAll(".code")) {
    button.setAttribute("aria-pressed", String(state[button.dataset.kind].has(button.dataset.code)));
  }
}

function highlighted(text, terms) {
  // The text as nodes, with each term that fired in a <mark>.
  const out = document.createDocumentFragment();
  const usable = terms.filter((t) => t.trim().length > 1);
  if (!usable.length) { out.append(document.createTextNode(text)); return out; }
  const escaped = usable.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const pattern = new RegExp(`(${escaped.join("|")})`, "giu");
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    out.append(document.createTextNode(text.slice(last, match.index)));
    const mark = document.createElement("mark");
    mark.textContent = match[0];
    out.append(mark);
    last = match.index + match[0].length;
  }
  out.append(document.createTextNode(text.slice(last)));
  return out;
}

function showPost(post) {
  state.post = post;
  const article = $("post");
  $("done").hidden = post !== null;
  article.hidden = post === null;
  if (post === null) { article.dataset.id = ""; return; }
  article.dataset.id = String(post.id);
  const zh = post.language === "zh" ? "zh" : "";
  $("title").lang = zh;
  $("text").lang = zh;
  const when = post.created_at ? post.created_at.slice(0, 10) : "undated";
  $("meta").textContent = [post.platform, post.community, post.kind, when,
    `${post.tier || "no"} tier`, post.score === null ? "" : `score ${post.score}`].filter(Boolean).join(" · ");
  const titleOnly = Boolean(post.title) && !post.text.trim();
  article.classList.toggle("title-only", titleOnly);
  $("title-only").hidden = !titleOnly;
  $("title").replaceChildren(highlighted(post.title || "", post.terms));
  $("text").replaceChildren(highlighted(post.text || "", post.terms));
  const link = $("link");
  if (post.url) { link.href = post.url; $("link-line").hidden = false; } else { link.removeAttribute("href"); $("link-line").hidden = true; }
  $("terms").textContent = post.terms.length ? `terms that fired: ${post.terms.join(", ")}` : "";
  const decided = post.decision;
  state.types = new Set(decided ? decided.types : post.types);
  state.strategies = new Set(decided ? decided.strategies : post.strategies);
  $("note").value = decided && decided.note ? decided.note : "";
  const line = $("decision");
  line.className = decided ? decided.decision : "";
  line.textContent = decided ? `you decided: ${decided.decision}` : (post.types.length || post.strategies.length ?
    "codes shown are the lexicons' suggestions: change them before you decide" : "");
  showToggles();
}

async function load(id) {
  const answer = await api(id === null ? "/api/next" : `/api/posts/${id}`);
  showState(answer.state);
  showPost(answer.post);
  return answer.post;
}

async function save(decision) {
  const post = state.post;
  const answer = await api("/api/decisions", {
    post_id: post.id, decision, types: [...state.types], strategies: [...state.strategies],
    note: $("note").value });
  post.decision = { decision, types: [...state.types], strategies: [...state.strategies], note: $("note").value };
  state.saves += 1;
  document.body.dataset.saves = String(state.saves);
  showState(answer.state);
  return answer;
}

async function decide(decision) {
  if (!state.post) return;
  await save(decision);
  say(`saved: ${decision}`);
  if (state.at < state.history.length - 1) {
    state.at += 1;
    await load(state.history[state.at]);
  } else {
    const next = await load(null);
    if (next) { state.history.push(next.id); state.at = state.history.length - 1; }
  }
}

async function toggle(kind, code) {
  if (!state.post) return;
  const chosen = state[kind];
  if (chosen.has(code)) chosen.delete(code); else chosen.add(code);
  showToggles();
  if (state.post.decision && state.post.decision.decision !== "not") {  // a decided post: saved at once
    await save(state.post.decision.decision);
    say(`saved: ${code.replaceAll("_", " ")} ${chosen.has(code) ? "on" : "off"}`);
  }
}

async function move(step) {
  const to = state.at + step;
  if (to < 0) { say("this is the first post of this session"); return; }
  if (to >= state.history.length) { say("decide this one first: y, n or u"); return; }
  state.at = to;
  await load(state.history[to]);
}

function onKey(event) {
  if (event.target === $("note")) {
    if (event.key === "Escape") $("note").blur();
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const digit = /^Digit([0-9])$/.exec(event.code);
  let action = null;
  if (digit && state.codes) {
    const place = Number(digit[1]) - 1;
    const [kind, codes] = event.shiftKey ? ["strategies", state.codes.strategies] : ["types", state.codes.types];
    if (place >= 0 && place < codes.length) action = () => toggle(kind, codes[place]);
  } else if (!event.shiftKey) {
    action = { y: () => decide("complaint"), n: () => decide("not"), u: () => decide("unsure"),
               ArrowLeft: () => move(-1), ArrowRight: () => move(1),
               c: () => $("note").focus() }[event.key] || null;
  }
  if (action === null) return;
  event.preventDefault();
  Promise.resolve().then(action).catch((error) => say(`not saved: ${error.message}`));
}

async function start() {
  document.addEventListener("keydown", onKey);
  try {
    const first = await load(null);
    if (first) { state.history.push(first.id); state.at = 0; }
    document.body.dataset.ready = "true";
  } catch (error) {
    say(`cannot load the queue: ${error.message}`);
  }
}

start();

// qrstack console: progressive enhancements only (every page works without this script).
"use strict";

function debounce(fn, ms) {
  let timer = null;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

function setupCopy() {
  for (const button of document.querySelectorAll("button.copy")) {
    button.addEventListener("click", async () => {
      const text = document.getElementById(button.dataset.copy).textContent.trim();
      try { await navigator.clipboard.writeText(text); button.textContent = "Copied"; }
      catch { button.textContent = "Select and copy"; }
    });
  }
}

function setupSelectAll() {
  const all = document.getElementById("select-all");
  if (!all) return;
  all.addEventListener("change", () => {
    for (const box of document.querySelectorAll("input[name=ids]")) box.checked = all.checked;
  });
}

function payloadOf(form) {
  const content = {};
  for (const el of form.querySelectorAll("[name^='p.']")) {
    const name = el.name.slice(2);
    const kind = el.dataset.kind;
    if (kind === "checkbox") { content[name] = el.checked; continue; }
    const raw = el.value.trim();
    if (raw === "") continue;
    if (kind === "number") content[name] = Number(raw);
    else if (kind === "json") { try { content[name] = JSON.parse(raw); } catch { content[name] = raw; } }
    else if (kind === "datetime") content[name] = raw.length === 16 ? raw + ":00Z" : raw + "Z";
    else content[name] = raw;
  }
  return content;
}

function styleOf(form) {
  const style = {};
  for (const el of form.querySelectorAll("[name^='s.']")) {
    const name = el.name.slice(2);
    if (name === "transparent") continue;
    if (el.value.trim() !== "") style[name] = el.value.trim();
  }
  if (form.querySelector("[name='s.transparent']").checked) style.background = "transparent";
  return style;
}

function previewBody(form) {
  const body = { format: "png", size: 480, style: styleOf(form) };
  const shortUrl = form.dataset.previewData;
  const content = payloadOf(form);
  if (shortUrl) { body.data = shortUrl; return body; }
  body.type = form.dataset.type;
  if (form.dataset.contentKey === "targetUrl") body.targetUrl = content.targetUrl || "https://example.com";
  else body[form.dataset.contentKey] = content;
  return body;
}

function reasonsOf(answer) {
  const issues = (answer && answer.issues) || [];
  if (issues.length) return issues.map((i) => `${(i.path || []).join(".")}: ${i.message || i.reason}`);
  return [(answer && answer.detail) || "The preview could not be drawn."];
}

function setupPreview() {
  const form = document.getElementById("code-form");
  if (!form) return;
  const image = document.getElementById("preview");
  const verdict = document.getElementById("verdict");
  const save = document.getElementById("save");
  let current = null;
  let asked = 0;
  let edits = 0; // every change counts: "ready" only for a preview of the latest design
  const refresh = debounce(async () => {
    const mine = ++asked;
    const edit = edits;
    const latest = () => mine === asked && edit === edits;
    const response = await fetch("/v1/generate", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(previewBody(form)),
      credentials: "same-origin",
    });
    if (mine !== asked) return; // a newer design is on its way
    if (response.ok) {
      const blob = await response.blob();
      if (mine !== asked) return;
      if (current) URL.revokeObjectURL(current);
      current = URL.createObjectURL(blob);
      image.src = current;
      verdict.textContent = "This design passes the scannability checks.";
      verdict.className = "verdict ok";
      save.disabled = false;
      image.addEventListener("load", () => { if (latest()) form.dataset.preview = "ready"; }, { once: true });
      return;
    }
    let answer = null;
    try { answer = await response.json(); } catch { answer = null; }
    const reasons = reasonsOf(answer);
    const design = reasons.filter((r) => r.startsWith("style"));
    verdict.textContent = design.length
      ? "This design would not scan: " + design.join("; ")
      : "Preview unavailable: " + reasons.join("; ");
    verdict.className = design.length ? "verdict refused" : "verdict";
    save.disabled = design.length > 0;
    if (latest()) form.dataset.preview = "ready";
  }, 250);
  const changed = () => { edits += 1; form.dataset.preview = "pending"; refresh(); };
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  const file = document.getElementById("logo-file");
  file.addEventListener("change", () => {
    const chosen = file.files[0];
    if (!chosen) return;
    const reader = new FileReader();
    reader.onload = () => { document.getElementById("s.logo").value = reader.result; changed(); };
    reader.readAsDataURL(chosen);
  });
  changed();
}

document.addEventListener("DOMContentLoaded", () => {
  setupCopy();
  setupSelectAll();
  setupPreview();
});

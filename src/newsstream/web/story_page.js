// The live story page: polls stories.json and rebuilds the list when it changes.
// Story text is untrusted: every element is built with createElement/textContent,
// never with innerHTML, so a headline like "<script>" shows as text.
"use strict";

(function () {
  const list = document.getElementById("stories");
  const empty = document.getElementById("empty");
  const status = document.getElementById("status");
  const pollMs = Number(list.dataset.pollMs) || 1000;
  let seq = -1;
  const versions = new Map();

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function day(value) {
    return typeof value === "string" ? value.slice(0, 10) : "";
  }

  function minute(value) {
    return typeof value === "string" ? value.slice(0, 16).replace("T", " ") : "";
  }

  function join(values) {
    return Array.isArray(values) ? values.map(String).join(", ") : "";
  }

  function metaItem(label, value) {
    const span = el("span");
    span.append(el("b", null, label + " "), document.createTextNode(value));
    return span;
  }

  // The timeline issue adds evidence to events: a sentence, an object with one,
  // or a list of either. Show whatever sentence is there.
  function evidenceLines(evidence) {
    const items = Array.isArray(evidence) ? evidence : evidence ? [evidence] : [];
    const lines = [];
    for (const item of items) {
      if (typeof item === "string") {
        lines.push(item);
      } else if (item && typeof item === "object") {
        const sentence = item.sentence || item.text || item.quote;
        if (sentence) lines.push(item.article_id ? sentence + " (" + item.article_id + ")" : sentence);
      }
    }
    return lines;
  }

  function eventItem(event) {
    const li = el("li", "event");
    li.append(el("span", "when", day(event.occurred_at)), el("span", "type", event.type));
    const who = join(event.actors);
    if (who) li.append(el("span", "actors", who));
    if (event.organization) {
      if (who) li.append(document.createTextNode(" · "));
      li.append(el("span", "org", event.organization));
    }
    if (event.role) li.append(document.createTextNode(" (" + event.role + ")"));
    for (const line of evidenceLines(event.evidence)) li.append(el("q", "evidence", line));
    return li;
  }

  function articleItem(ref) {
    const li = el("li", "article");
    li.dataset.language = ref.language || "";
    li.append(el("span", "lang", ref.language || "?"), el("span", "title", ref.title));
    li.append(document.createTextNode(" "), el("span", "source", "— " + (ref.source || "unknown") + ", " + minute(ref.published_at)));
    if (ref.duplicate_of) li.append(document.createTextNode(" "), el("span", "copy", "copy of " + ref.duplicate_of));
    return li;
  }

  function storyCard(story) {
    const card = el("article", "story");
    card.dataset.storyId = story.story_id;
    card.dataset.lastPublishedAt = story.last_published_at || "";
    card.append(el("h2", "headline", story.headline));
    const meta = el("div", "meta");
    meta.append(
      metaItem("languages", join(story.languages)),
      metaItem("sources", join(story.sources) || "-"),
      metaItem("articles", String(story.article_count)),
      metaItem("version", String(story.version)),
      metaItem("updated", minute(story.last_published_at)),
    );
    card.append(meta);
    if (story.summary) card.append(el("p", "summary", story.summary));
    card.append(el("h3", null, "Timeline"));
    const timeline = el("ol", "timeline");
    for (const event of story.events || []) timeline.append(eventItem(event));
    if (!timeline.childElementCount) timeline.append(el("li", "empty", "no events extracted"));
    card.append(timeline);
    card.append(el("h3", null, "Articles"));
    const articles = el("ul", "articles");
    for (const ref of story.articles || []) articles.append(articleItem(ref));
    card.append(articles);
    if (versions.has(story.story_id) && versions.get(story.story_id) !== story.version) {
      card.classList.add("fresh");
      setTimeout(() => card.classList.remove("fresh"), 2000);
    }
    versions.set(story.story_id, story.version);
    return card;
  }

  function render(stories) {
    list.replaceChildren(...stories.map(storyCard));
    empty.hidden = stories.length > 0;
  }

  async function poll() {
    try {
      const response = await fetch("stories.json?since=" + seq, { cache: "no-store" });
      if (!response.ok) throw new Error("HTTP " + response.status);
      const data = await response.json();
      if (Array.isArray(data.stories)) render(data.stories);
      seq = data.seq;
      status.textContent = "live · " + list.childElementCount + " stories · " + new Date().toLocaleTimeString();
      status.classList.remove("offline");
    } catch (error) {
      status.textContent = "cannot reach the server (" + error.message + "); retrying";
      status.classList.add("offline");
    }
    setTimeout(poll, pollMs);
  }

  poll();
})();

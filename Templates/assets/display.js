// The display board: the office's public snapshot, kept current over its event stream. Each new
// call is highlighted, chimed and spoken in the office's languages. It runs for weeks: the DOM is
// rebuilt in place with bounded lists, and a lost stream is reopened with a growing delay.
(function () {
  "use strict";
  var $ = PageKit.byID, words = PageKit.words(), element = PageKit.element;
  var office = PageKit.officeInAddress();
  var entry = null, catalog = null, heard = null, stream = null, retry = 1000, watchdog = null, lostAt = null;
  var voices = ["gu", "en"];
  var locales = { gu: "gu-IN", hi: "hi-IN", en: "en-IN" };
  // What the board says on the screen, in two languages, the first larger (sitegen's choice: the
  // page's language, then English; Gujarati first on the English address). Its voice speaks the
  // office's own languages (`voices`) whatever the page's.
  var board = document.querySelector(".board");
  var shown = (board.getAttribute("data-languages") || "gu en").split(" ");
  var pageLanguage = document.documentElement.lang;

  function status(text) { PageKit.say($("board-status"), text); }
  // A text in each of the board's languages, joined: "बंद · Closed".
  function inBoth(key, join) {
    return shown.map(function (language) { return words[language + "." + key]; }).join(join === undefined ? " · " : join);
  }
  // Dates and times in a language's words with the digits 0-9 (the numeral policy).
  function locale(language) { return (locales[language] || language) + "-u-nu-latn"; }
  function serviceNames(code) {
    var service = catalog && catalog.services.filter(function (s) { return s.code === code; })[0];
    return service ? service.names : { gu: code, hi: code, en: code };
  }
  // The board's languages as spans, the second in smaller type: a counter, a service, a wait.
  function bothSpans(parent, texts) {
    shown.forEach(function (language, index) {
      parent.appendChild(element("span", texts[language] || texts.en, index ? "second" : "first", language));
    });
  }

  function tick() {
    var now = new Date();
    $("clock").textContent = now.toLocaleTimeString("en-IN", { timeZone: zone, hour: "2-digit", minute: "2-digit", hour12: false });
    $("clock").setAttribute("datetime", now.toISOString());
    $("date").lang = shown[0];
    $("date").textContent = now.toLocaleDateString(locale(shown[0]), { timeZone: zone, weekday: "long", day: "numeric", month: "long" });
  }

  function render(snapshot) {
    var counters = $("counters");
    counters.textContent = "";
    snapshot.counters.forEach(function (counter) {
      var tile = element("li", undefined, "tile state-" + counter.state);
      var label = element("span", undefined, "tile-counter");
      var names = {};
      shown.forEach(function (language) { names[language] = words[language + ".counter"] + " " + counter.number; });
      bothSpans(label, names);
      tile.appendChild(label);
      var text = counter.token || (counter.state === "closed" ? inBoth("closed")
        : counter.state === "paused" ? inBoth("paused") : "—");
      tile.appendChild(element("span", text, counter.token ? "tile-token" : "tile-idle"));
      counters.appendChild(tile);
    });
    var calls = $("calls");
    calls.textContent = "";
    snapshot.last_calls.forEach(function (call, index) {
      var item = element("li", undefined, index === 0 ? "newest" : "");
      item.appendChild(element("span", call.token, "call-token"));
      item.appendChild(element("span", "→ " + call.counter, "call-counter"));
      calls.appendChild(item);
    });
    var services = $("services");
    services.textContent = "";
    // The longest queues first: on a busy day the rows that matter stay on the screen.
    snapshot.services.slice().sort(function (a, b) { return b.waiting - a.waiting; }).forEach(function (service) {
      var names = serviceNames(service.code);
      var row = element("tr", undefined, service.waiting === 0 ? "none-waiting" : "");
      var name = element("th");
      name.scope = "row";
      bothSpans(name, names);
      row.appendChild(name);
      row.appendChild(element("td", String(service.waiting), "count"));
      // The wait as the server words it (hours and minutes, a range when uncertain), in the board's languages.
      var wait = element("td", undefined, "wait");
      // A newcomer's wait, even with nobody of this service waiting (shared counters may be busy).
      if (service.wait_text || service.waiting > 0) {
        if (service.wait_text) {
          bothSpans(wait, service.wait_text);
        } else {
          wait.textContent = "—";
        }
      }
      row.appendChild(wait);
      services.appendChild(row);
    });
    status(snapshot.is_open_now ? "" : shown.map(function (language) {
      var opens = snapshot.opens_at ? " " + words[language + ".opens"].replace("{when}", new Date(snapshot.opens_at).toLocaleString(locale(language),
        { timeZone: zone, weekday: "long", hour: "2-digit", minute: "2-digit", hour12: false })) : "";
      return words[language + ".office_closed"] + opens;
    }).join(" · "));
    fit();
    announceNew(snapshot.last_calls);
  }

  // A list shown a page at a time when its items do not fit their room: whole lines of items (the
  // tiles side by side, or one row of a table), as many as the room holds, and "Page 1 of 3", in the
  // page's language, beside its heading. A reserved list is kept as tall as its tallest page, so
  // that what is under it (the notices) stays where it is when the page turns. The page shown is
  // kept when the board is laid out again (each snapshot, a resize): a busy office's updates would
  // otherwise never let the second page show; the page turns on the board's one clock.
  var reducedMotion = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)") : { matches: true };
  function Pager(list, indicator, reserve) {
    this.list = list;
    this.indicator = indicator;
    this.reserve = reserve;
    this.pages = [];
    this.page = 0;
  }
  // Every item shown and nothing reserved: the list as it would be, to be measured.
  Pager.prototype.unfold = function () {
    this.list.style.minHeight = "";
    Array.prototype.forEach.call(this.list.children, function (item) { item.hidden = false; });
  };
  // The pages of the unfolded list between its top and `bottom` (one line alone may be taller),
  // as even as they can be: 20 tiles in four pages of 6, 6, 4, 4 rather than 6, 6, 6, 2.
  Pager.prototype.layOut = function (bottom) {
    var top = this.list.getBoundingClientRect().top, lines = [];
    Array.prototype.forEach.call(this.list.children, function (item, index) {
      var box = item.getBoundingClientRect(), line = lines[lines.length - 1];
      if (line && box.top < line.bottom - 1) {
        line.items.push(index);
        line.bottom = Math.max(line.bottom, box.bottom);
      } else {
        lines.push({ items: [index], top: box.top, bottom: box.bottom });
      }
    });
    // `most(n)`: how many lines page n may hold at most, besides the room.
    function split(most) {
      var pages = [], page = null;
      lines.forEach(function (line) {
        if (page && (line.bottom - page.top > bottom - top || page.lines === most(pages.length))) { pages.push(page); page = null; }
        if (!page) { page = { items: [], top: line.top, height: 0, lines: 0 }; }
        page.items = page.items.concat(line.items);
        page.height = line.bottom - page.top;
        page.lines += 1;
      });
      if (page) { pages.push(page); }
      return pages;
    }
    var pages = split(function () { return lines.length; });
    if (pages.length > 1) {
      var count = pages.length, each = Math.floor(lines.length / count), more = lines.length % count;
      var even = split(function (index) { return index < more ? each + 1 : each; });
      if (even.length === count) { pages = even; }
    }
    this.pages = pages;
    if (this.reserve && pages.length > 1) {
      this.list.style.minHeight = Math.max.apply(null, pages.map(function (p) { return p.height; })) + "px";
    }
    this.show(false);
  };
  Pager.prototype.show = function (turned) {
    if (this.page >= this.pages.length) { this.page = 0; }
    var page = this.pages[this.page], many = this.pages.length > 1;
    Array.prototype.forEach.call(this.list.children, function (item, index) { item.hidden = many && page.items.indexOf(index) < 0; });
    this.indicator.hidden = !many;
    this.indicator.textContent = many ? words["page.page_of"].replace("{page}", String(this.page + 1)).replace("{pages}", String(this.pages.length)) : "";
    // A soft change of page; none for those who asked for less motion (the page still turns).
    if (turned && many && !reducedMotion.matches && this.list.animate) {
      this.list.animate([{ opacity: 0 }, { opacity: 1 }], { duration: 400, easing: "ease-out" });
    }
  };
  Pager.prototype.turn = function () {
    if (this.pages.length < 2) { return; }
    this.page = (this.page + 1) % this.pages.length;
    this.show(true);
  };
  var counterPager = new Pager($("counters"), $("counters-pages"), true);
  var servicePager = new Pager($("services"), $("services-pages"), false);
  // Every 8 seconds, or as the board's address says (`?page_seconds=`, for a hall that reads slowly).
  var pageSeconds = Number(new URLSearchParams(location.search).get("page_seconds")) || Number(board.getAttribute("data-page-seconds")) || 8;
  setInterval(function () { counterPager.turn(); servicePager.turn(); }, Math.min(Math.max(pageSeconds, 1), 600) * 1000);

  // Everything the board shows is on the screen: a TV across a hall has nobody to scroll it. The
  // counters take their column (in portrait, at most half the board), the notices under them;
  // when there are more than it holds they are shown a page at a time. The oldest recent calls
  // give way (down to the newest three) until the waiting section has room for its first rows
  // (four, or as many services as there are); then the services are shown a page at a time, as
  // many rows as the room left holds, the longest queues first. Measured again on every snapshot,
  // when the screen or the board's other parts change size (a notice, a status line) and when
  // the fonts have loaded.
  var keptCalls = 3, wantedRows = 4;
  function fit() {
    var services = $("services"), notices = $("notices");
    var calls = $("calls").children, rows = services.rows;
    counterPager.unfold();
    servicePager.unfold();
    Array.prototype.forEach.call(calls, function (call) { call.hidden = false; });
    // A pixel spare for the rows' rounded edges and borders.
    var area = board.getBoundingClientRect(), bottom = area.bottom - 2;
    var column = window.matchMedia && window.matchMedia("(orientation: portrait)").matches
      ? area.top + area.height / 2 : document.querySelector(".serving").getBoundingClientRect().bottom;
    var under = notices.hidden ? 0 : notices.getBoundingClientRect().height + parseFloat(getComputedStyle(notices).marginTop || "0");
    counterPager.layOut(column - under - 2);
    var heights = Array.prototype.map.call(rows, function (row) { return row.getBoundingClientRect().height; });
    function room(count) {
      return services.getBoundingClientRect().top + heights.slice(0, count).reduce(function (a, b) { return a + b; }, 0) <= bottom;
    }
    var kept = calls.length;
    function drop(keep, need) {
      while (kept > keep && (!room(need) || calls[kept - 1].getBoundingClientRect().bottom > bottom)) {
        kept -= 1;
        calls[kept].hidden = true;
      }
    }
    drop(keptCalls, Math.min(rows.length, wantedRows));
    // A screen too small for that: the newest call and one row, rather than anything off the screen.
    drop(1, Math.min(rows.length, 1));
    servicePager.layOut(bottom);
  }
  if (window.ResizeObserver) {
    var resized = new ResizeObserver(function () { fit(); });
    resized.observe(board);
    resized.observe(document.querySelector(".serving"));
    resized.observe($("notices"));
  } else {
    window.addEventListener("resize", fit);
  }
  if (document.fonts && document.fonts.addEventListener) {
    document.fonts.ready.then(fit);
    document.fonts.addEventListener("loadingdone", fit);
  }

  // Calls newer than the last one heard; the first snapshot after loading only sets the mark.
  function announceNew(calls) {
    var newest = calls.length ? calls[0].at + calls[0].token + calls[0].counter : "";
    if (heard === null) { heard = newest; return; }
    var fresh = [];
    for (var i = 0; i < calls.length; i += 1) {
      if (calls[i].at + calls[i].token + calls[i].counter === heard) { break; }
      fresh.unshift(calls[i]);
    }
    heard = newest;
    fresh.slice(-3).forEach(announce);
    // Screen readers hear the new calls only, not the whole board again.
    if (fresh.length) {
      $("call-announce").textContent = fresh.slice(-3).map(function (call) {
        return (words[pageLanguage + ".announce"] || words["en.announce"]).replace("{token}", call.token).replace("{counter}", String(call.counter));
      }).join(". ");
    }
  }

  var audio = null, resuming = false;
  function chime() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      // A context the browser keeps suspended (nobody has touched the screen yet) never plays what
      // is scheduled on it, and would hold every tone for as long as the board runs.
      if (audio.state !== "running") {
        // One request at a time: a resume the browser refuses stays pending, and they would pile up.
        if (!resuming) { resuming = true; audio.resume().then(function () { resuming = false; }); }
        return;
      }
      [660, 880].forEach(function (frequency, index) {
        var tone = audio.createOscillator(), gain = audio.createGain();
        var at = audio.currentTime + index * 0.35;
        tone.frequency.value = frequency;
        gain.gain.setValueAtTime(0.0001, at);
        gain.gain.exponentialRampToValueAtTime(0.4, at + 0.03);
        gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.6);
        tone.connect(gain).connect(audio.destination);
        tone.start(at);
        tone.stop(at + 0.65);
      });
    } catch (error) { /* no sound device: the highlight still shows the call */ }
  }

  // The board's voice: recorded clips (sitegen's voice.json) chained into one sentence per
  // language, in that language's order; the browser's own voice only where a clip cannot play.
  // Calls are spoken one after another, never over each other.
  var voice = { languages: {} }, pending = [], speaking = false, silent = {}, broken = {};

  // The clip names of a call's sentence: "NC-012" is its letters by name and its digits as printed,
  // the counter a whole number where there is a clip for it, else its digits.
  function sentence(language, call) {
    var spoken = voice.languages[language];
    if (!spoken) { return null; }
    var parts = call.token.split("-"), names = [];
    spoken.sentence.forEach(function (item) {
      if (item === "{token}") {
        parts[0].split("").forEach(function (letter) { names.push("letter-" + letter); });
        (parts[1] || "").split("").forEach(function (digit) { names.push("digit-" + digit); });
      } else if (item === "{counter}") {
        var counter = String(call.counter);
        if (counter.length === 1) { names.push("digit-" + counter); }
        else if (spoken.clips["number-" + counter]) { names.push("number-" + counter); }
        else { counter.split("").forEach(function (digit) { names.push("digit-" + digit); }); }
      } else {
        names.push(item);
      }
    });
    return names;
  }

  function speechVoice(language) {
    if (!window.speechSynthesis) { return false; }
    return window.speechSynthesis.getVoices().some(function (v) { return (v.lang || "").toLowerCase().indexOf(language) === 0; });
  }

  // Staff see which of the board's languages can be neither played nor spoken: the calls still show.
  function showSilent() {
    var missing = voices.filter(function (language) { return silent[language]; });
    var notice = $("voice-missing");
    notice.hidden = missing.length === 0;
    notice.textContent = shown.map(function (said) {
      var names = missing.map(function (language) { return words[said + ".language_" + language] || language; }).join(", ");
      return (words[said + ".no_voice"] || "").replace("{languages}", names);
    }).join(" · ");
  }

  function checkVoices() {
    voices.forEach(function (language) {
      var spoken = voice.languages[language];
      var clips = spoken && spoken.sentence.every(function (name) { return name.charAt(0) === "{" || spoken.clips[name]; })
        && [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].every(function (digit) { return spoken.clips["digit-" + digit]; });
      // A clip that failed to play keeps its language counted as without clips.
      silent[language] = (!clips || broken[language]) && !speechVoice(language);
    });
    showSilent();
  }

  // Says `names[from...]` with the browser's voice, then `done`; false when it has no voice for it.
  function speakRest(language, call, names, from, done) {
    if (!speechVoice(language)) { return false; }
    var texts = (voice.languages[language] || {}).texts || {};
    var phrase = names ? names.slice(from).map(function (name) { return texts[name] || name.replace(/^\w+-/, ""); }).join(" ")
      : (words[language + ".announce"] || words["en.announce"]).replace("{token}", call.token).replace("{counter}", String(call.counter));
    var utterance = new SpeechSynthesisUtterance(phrase);
    utterance.lang = locales[language] || language;
    utterance.rate = 0.9;
    var finished = false;
    function finish() { if (!finished) { finished = true; clearTimeout(guard); done(); } }
    // A voice that never reports its end must not silence the board for the rest of the day.
    var guard = setTimeout(finish, 1500 + phrase.length * 120);
    utterance.onend = finish;
    utterance.onerror = finish;
    window.speechSynthesis.speak(utterance);
    return true;
  }

  // Plays one language's sentence, clip after clip; a clip that is missing or fails hands the rest
  // of the sentence to the browser's voice, or to nobody (and staff are told).
  function sayIn(language, call, done) {
    var names = sentence(language, call) || [];
    var clips = voice.languages[language] ? voice.languages[language].clips : {};
    var index = 0, elements = names.map(function (name) {
      if (!clips[name]) { return null; }
      var clip = new Audio(clips[name]);
      clip.preload = "auto";
      return clip;
    });
    function fallBack(from) {
      if (!speakRest(language, call, names.length ? names : null, from, done)) {
        broken[language] = silent[language] = true;
        showSilent();
        done();
      }
    }
    function next() {
      if (index >= elements.length) { done(); return; }
      var clip = elements[index];
      if (!clip) { fallBack(index); return; }
      var settled = false;
      function settle(then) { if (!settled) { settled = true; clearTimeout(guard); then(); } }
      // A clip that stalls is given up after a while: the next call must still be heard.
      var guard = setTimeout(function () { settle(function () { index += 1; next(); }); }, 8000);
      clip.addEventListener("ended", function () { settle(function () { index += 1; next(); }); });
      clip.addEventListener("error", function () { settle(function () { fallBack(index); }); });
      clip.play().catch(function (error) {
        settle(function () {
          // Nobody has touched the board yet: offer the sound button rather than blame the clips.
          if (error && error.name === "NotAllowedError") { soundButton.hidden = false; done(); } else { fallBack(index); }
        });
      });
    }
    if (!names.length) { fallBack(0); } else { next(); }
  }

  function speakNext() {
    if (speaking || pending.length === 0) { return; }
    speaking = true;
    var job = pending.shift();
    function finished() { speaking = false; speakNext(); }
    if (job.chime) {
      chime();
      // The chime first (two tones, about a second), then the words.
      setTimeout(function () { sayIn(job.language, job.call, finished); }, 1000);
    } else {
      sayIn(job.language, job.call, finished);
    }
  }

  // A call takes some 15 s in three languages: on a busy day the board says the newest three calls
  // waiting to be said and drops older ones (they stay on the screen), so it never falls behind for good.
  var heldCalls = 3;
  function announce(call) {
    voices.forEach(function (language, index) { pending.push({ call: call, language: language, chime: index === 0 }); });
    var calls = [];
    pending.forEach(function (job) { if (calls.indexOf(job.call) < 0) { calls.push(job.call); } });
    calls.slice(0, Math.max(0, calls.length - heldCalls)).forEach(function (old) {
      pending = pending.filter(function (job) { return job.call !== old; });
    });
    if (voices.length === 0) { chime(); }
    speakNext();
  }

  function readVoice() {
    var link = $("voice-manifest");
    var ready = link ? fetch(link.href).then(function (r) { return r.ok ? r.json() : { languages: {} }; })
      .then(function (body) { voice = body; }).catch(function () {}) : Promise.resolve();
    ready.then(function () {
      checkVoices();
      // Browsers list their voices late; a voice appearing later clears the notice.
      if (window.speechSynthesis) { window.speechSynthesis.addEventListener("voiceschanged", checkVoices); setTimeout(checkVoices, 2000); }
    });
  }

  // The office's time zone as the server has it (the board's clock and opening times); until it
  // answers, India's, every office's default (a board's browser is often left on UTC).
  var zone = "Asia/Kolkata";
  function readTimeZone() {
    return fetch("/api/v1/offices/" + encodeURIComponent(office), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : {}; }).then(function (body) { zone = body.time_zone || zone; tick(); })
      .catch(function () {});
  }

  // The stream dropped (or went silent): noted, and said on the board.
  function lost() {
    if (lostAt === null) { lostAt = Date.now(); }
    status(inBoth("reconnecting", " "));
  }

  function connect() {
    if (stream) { stream.close(); }
    stream = new EventSource("/api/v1/offices/" + encodeURIComponent(office) + "/events?only=snapshot");
    PageKit.watchStream(stream, function () { lost(); connect(); });
    stream.addEventListener("snapshot", function (event) {
      retry = 1000;
      status("");
      // Back after more than a minute away: the calls made meanwhile are shown, not called out
      // (the citizens they were for have heard of them, or gone).
      if (lostAt !== null && Date.now() - lostAt > 60000) { heard = null; }
      lostAt = null;
      render(JSON.parse(event.data));
    });
    stream.addEventListener("error", function () {
      lost();
      // A closed stream (the server or nginx answered with an error) is not retried by the browser.
      if (stream.readyState === EventSource.CLOSED) {
        clearTimeout(watchdog);
        watchdog = setTimeout(connect, retry);
        retry = Math.min(retry * 2, 30000);
      }
    });
  }

  // No office to show (none named, or a code no office has, as when mistyped): said in the page's
  // language, with no board and no clock (without an office there is no time zone to tell it in).
  function noOffice(text) {
    clearInterval(ticking);
    document.querySelector(".board").hidden = true;
    document.querySelector(".board-head").hidden = true;
    status(text);
  }

  function showOffice() {
    entry = catalog.offices.filter(function (o) { return o.code === office; })[0];
    if (!entry) {
      // Cut short: the address is anyone's to write, and the board is no place for their text.
      noOffice(words["page.unknown_office"].replace("{code}", office.length > 20 ? office.slice(0, 20) + "…" : office));
      return false;
    }
    shown.forEach(function (language) { $("office-" + language).textContent = entry.names[language] || entry.names.en; });
    document.title = PageKit.localName(entry.names) + " · " + document.title;
    voices = entry.announce_languages || voices;
    return true;
  }

  // Browsers speak only after someone has touched the page once; kiosk-mode browsers may allow it.
  var soundButton = $("enable-sound");
  function offerSound() {
    try { audio = audio || new (window.AudioContext || window.webkitAudioContext)(); } catch (error) { return; }
    if (audio.state !== "running") { soundButton.hidden = false; }
  }
  soundButton.addEventListener("click", function () {
    soundButton.hidden = true;
    // The touch itself lets the browser start the sound: resume here, whatever is pending.
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      audio.resume().then(chime);
    } catch (error) { /* no sound device */ }
    if (window.speechSynthesis) { window.speechSynthesis.speak(new SpeechSynthesisUtterance(" ")); }
  });

  tick();
  var ticking = setInterval(tick, 1000);
  if (!office) { noOffice(words["page.no_office"]); return; }
  fetch("/catalog.json").then(function (r) { return r.json(); }).then(function (body) {
    catalog = body;
    if (showOffice()) { readTimeZone(); readVoice(); connect(); offerSound(); }
  }).catch(function () {
    status(inBoth("reconnecting", " "));
    setTimeout(function () { location.reload(); }, 10000);
  });
})();

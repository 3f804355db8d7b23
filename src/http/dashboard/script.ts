/**
 * The dashboard's script, inlined into the page as a string: plain ES2017 the
 * browser runs as is, so there is no build step and nothing to load. It never
 * sees the key: the browser sends the `HttpOnly` cookie with each request.
 *
 * It acts on the cards the server rendered (`li.instance` with `data-region`,
 * `data-id`, `data-label`, `data-state`):
 * - an accepted Stop or Start keeps the card busy (no action offered) until
 *   the instance's read answers the state asked for, polled with backoff; an
 *   accepted Reboot, which EC2's state never shows, keeps it busy for a
 *   bounded notice that then clears itself;
 * - every request is abandoned after `TIMEOUT_MS`, saying so and what to do;
 * - each message says when it stops being true: "read" ones clear at the
 *   next good read, "state" ones when the state changes, "busy" ones when
 *   the card's action ends;
 * - every region is read again every `LIVE_MS` while the tab is visible, and
 *   when it becomes visible; each card says when it was last read; the top
 *   line and the title count running and stopped instances;
 * - a 401 anywhere means the key was revoked: every action goes, a notice
 *   offers to sign in again.
 *
 * @module
 */

/** The page's JavaScript, its indentation taken off (a fifth of its bytes). */
export const DASHBOARD_SCRIPT: string = `
(function () {
  "use strict";
  var SETTLING = { pending: 1, stopping: 1, "shutting-down": 1 };
  var TARGET = { start: "running", stop: "stopped" };
  var DOING = { start: "Starting", stop: "Stopping", hibernate: "Hibernating",
    force: "Force-stopping", reboot: "Rebooting" };
  var WHAT = { start: "start", stop: "stop", hibernate: "hibernate", force: "force stop",
    reboot: "reboot" };
  var WARN = { hibernate: " Its memory is saved to its root volume; EC2 refuses unless hibernation was enabled at launch.",
    force: " It stops without a clean shutdown: unsaved data may be lost." };
  var TIMEOUT_MS = 20000;
  var LIVE_MS = 30000;
  var POLL_FIRST_MS = 1000;
  var POLL_MAX_MS = 10000;
  var CONFIRM_LIMIT_MS = 900000;
  var REBOOT_NOTICE_MS = 60000;
  var live = document.getElementById("live");
  var revoked = false;
  var liveTimer = 0;

  function cards() { return Array.prototype.slice.call(document.querySelectorAll("li.instance")); }
  function label(row) { return row.dataset.label; }
  function delay(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }
  function two(n) { return (n < 10 ? "0" : "") + n; }
  /** What the sweep plans next, in words, at the browser's own time (page.ts's nextText). */
  function nextText(plan) {
    if (!plan) return "";
    if (!plan.action || !plan.at) return plan.reason;
    return (plan.action === "stop" ? "Stops" : "Starts") + " at " + hhmm(new Date(plan.at)) +
      ": " + plan.reason;
  }

  var DONE = { start: "started", stop: "stopped", reboot: "rebooted" };
  var PAGE_SIZE = 50;
  /** "stopped by key ci, 2 h ago" (page.ts's lastChangeText). */
  function lastText(last) {
    if (!last || isNaN(Date.parse(last.at))) return "";
    var minutes = Math.floor((Date.now() - Date.parse(last.at)) / 60000);
    var hours = Math.floor(minutes / 60);
    var ago = minutes < 1 ? "just now" : minutes < 60 ? minutes + " min ago"
      : hours < 24 ? hours + " h ago" : Math.floor(hours / 24) + " d ago";
    return (DONE[last.action] || last.action + "ed") + " by " + last.by + ", " + ago;
  }
  function holdText(until) { return until ? "Kept until " + hhmm(new Date(until)) : ""; }
  function line(row, selector, text) {
    var element = row.querySelector(selector);
    if (element.textContent !== text) element.textContent = text;
    element.hidden = !text;
  }

  function hhmm(date) { return two(date.getHours()) + ":" + two(date.getMinutes()); }

  function say(row, text, kind, isError) {
    var message = row.querySelector(".message");
    message.textContent = text;
    message.classList.toggle("error", !!isError);
    row.dataset.said = text ? kind : "";
    row.dataset.saidState = row.dataset.state;
  }

  function uptimeText(seconds) {
    if (seconds === null || seconds === undefined || seconds === "") return "\\u2014";
    var minutes = Math.floor(seconds / 60);
    if (minutes < 1) return "under a minute";
    if (minutes < 60) return minutes + " min";
    var hours = Math.floor(minutes / 60);
    if (hours < 24) return hours + " h " + (minutes % 60) + " min";
    return Math.floor(hours / 24) + " d " + (hours % 24) + " h";
  }

  function tick(row) {
    var uptime = row.querySelector(".uptime");
    if (row.dataset.uptime === "") { uptime.textContent = uptimeText(null); return; }
    var elapsed = (Date.now() - Number(row.dataset.at)) / 1000;
    uptime.textContent = uptimeText(Number(row.dataset.uptime) + elapsed);
  }

  /** The lines the server wrote in UTC, in the browser's zone, and "ago" kept current. */
  function times(row) {
    line(row, ".last", lastText(row.dataset.last ? JSON.parse(row.dataset.last) : null));
    line(row, ".held", holdText(row.dataset.holdUntil));
    if (row.dataset.next) line(row, ".next", nextText(JSON.parse(row.dataset.next)));
  }

  function summarize() {
    var states = cards().map(function (row) { return row.dataset.state; })
      .filter(function (s) { return s !== "gone"; });
    var running = states.filter(function (s) { return s === "running"; }).length;
    var stopped = states.filter(function (s) { return s === "stopped"; }).length;
    var parts = [running + " running", stopped + " stopped"];
    if (states.length - running - stopped) parts.push((states.length - running - stopped) + " changing");
    var summary = document.getElementById("summary");
    var text = parts.join(" \\u00b7 ");
    if (summary.textContent !== text) summary.textContent = text;
    document.title = "workwork: " + parts.join(", ");
  }

  function enable(row) {
    var state = row.dataset.state;
    var busy = row.dataset.busy === "1";
    var focused = row.contains(document.activeElement) ? document.activeElement : null;
    row.querySelectorAll("button[data-action], button.more, button[data-hold]").forEach(function (button) {
      var wanted = button.dataset.action === "start" ? "stopped" : "running";
      button.disabled = revoked || busy || state !== wanted;
    });
    var release = row.querySelector("button[data-release]");
    if (release) {
      release.hidden = !row.dataset.holdUntil;
      release.disabled = revoked || busy;
    }
    if (busy || revoked || state !== "running") openMenu(row, false);
    // A disabled button drops the focus to the page: keep it on the card, and
    // hand it to the card's first action once there is one again.
    if (focused && focused.disabled) { row.dataset.refocus = "1"; row.focus(); }
    if (!busy && row.dataset.refocus === "1" && document.activeElement === row) {
      var first = row.querySelector("button[data-action]:not(:disabled)");
      if (first) { row.dataset.refocus = ""; first.focus(); }
    }
  }

  function openMenu(row, open) {
    var toggle = row.querySelector("button.more");
    if (!toggle) return;
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    document.getElementById(toggle.getAttribute("aria-controls")).hidden = !open;
  }

  function render(row, view) {
    row.dataset.state = view.state;
    row.querySelector(".state-text").textContent = view.state;
    var address = row.querySelector(".addr");
    address.textContent = view.public_ip_address || "\\u2014";
    address.title = view.public_dns_name || "";
    row.querySelector(".copy").hidden = !view.public_ip_address;
    row.dataset.next = view.next ? JSON.stringify(view.next) : "";
    row.dataset.last = view.last_change ? JSON.stringify(view.last_change) : "";
    row.dataset.holdUntil = view.hold_until || "";
    if (!view.next) line(row, ".next", "");
    times(row);
    row.dataset.uptime = view.uptime_seconds === null ? "" : String(view.uptime_seconds);
    row.dataset.at = String(Date.now());
    row.querySelector(".updated").textContent = "updated " + hhmm(new Date());
    var said = row.dataset.said;
    if (said === "read" || (said === "state" && row.dataset.saidState !== view.state)) say(row, "");
    tick(row);
    enable(row);
    summarize();
  }

  function path(row, action) {
    return "/instance/" + encodeURIComponent(row.dataset.region) + "/" +
      encodeURIComponent(row.dataset.id) + (action ? "/" + action : "");
  }

  /** Resolves to the answer, its JSON read; rejects with "timeout" or "offline". */
  function request(method, url, json) {
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    var headers = { accept: "application/json" };
    if (json) headers["content-type"] = "application/json";
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: headers,
      body: json ? JSON.stringify(json) : undefined,
      signal: controller.signal,
    }).then(function (response) {
      return response.text().then(function (text) {
        clearTimeout(timer);
        var body = null;
        try { body = text ? JSON.parse(text) : null; } catch (e) { body = text; }
        if (response.status === 401) revoke(body);
        return { status: response.status, ok: response.ok, body: body };
      });
    }).then(null, function (error) {
      clearTimeout(timer);
      throw new Error(controller.signal.aborted ? "timeout" : "offline");
    });
  }

  function unanswered(error) {
    return error.message === "timeout"
      ? "the server did not answer within " + TIMEOUT_MS / 1000 + " s"
      : "the server could not be reached. Check your connection";
  }

  function explain(answer) {
    var errors = answer.body && typeof answer.body === "object" && answer.body.errors;
    var title = errors && errors[0] ? errors[0].title : "";
    var status = answer.status;
    if (status === 401 && /session/i.test(title)) return "your session has ended";
    if (status === 401 || (status === 422 && /api_key|key/i.test(title))) {
      return "your key is no longer accepted";
    }
    if (status === 404) return "this instance no longer exists";
    if (status === 409) return "EC2 says: " + title;
    if (status === 403 || status === 422 || status === 429) return title;
    if (status >= 502 && status <= 504) {
      return "AWS is not answering as it should (" + title + "). Try again in a moment";
    }
    return "something went wrong (HTTP " + status + (title ? ": " + title : "") + ")";
  }

  function revoke(body) {
    if (revoked) return;
    revoked = true;
    clearTimeout(liveTimer);
    var errors = body && typeof body === "object" && body.errors;
    if (errors && errors[0] && /session/i.test(errors[0].title)) {
      document.getElementById("revoked-why").textContent = "Your session has ended.";
    }
    document.getElementById("revoked").hidden = false;
    cards().forEach(enable);
  }

  /** Reads the card once; a state in transition is followed until it settles. */
  function read(row) {
    return request("GET", path(row)).then(function (answer) {
      if (!answer.ok) { say(row, "Could not refresh " + label(row) + ": " + explain(answer), "read", true); return; }
      render(row, answer.body);
      if (SETTLING[answer.body.state] && row.dataset.busy !== "1") {
        return delay(POLL_FIRST_MS * 2).then(function () { return read(row); });
      }
    }, function (error) {
      say(row, "Could not refresh " + label(row) + ": " + unanswered(error) + ". It tries again at " +
        hhmm(new Date(Date.now() + LIVE_MS)), "read", true);
    });
  }

  /** Polls the card, backing off, until EC2 reports \`target\` or the limit passes. */
  function confirmState(row, target, limit, wait) {
    return delay(wait).then(function () { return request("GET", path(row)); }).then(function (answer) {
      var next = Math.min(Math.max(wait * 1.5, POLL_FIRST_MS), POLL_MAX_MS);
      if (!answer.ok) {
        if (answer.status === 401 || answer.status === 404 || Date.now() > limit) {
          return { error: "could not check " + label(row) + ": " + explain(answer) };
        }
        return confirmState(row, target, limit, next);
      }
      render(row, answer.body);
      var state = answer.body.state;
      if (state === target) return { state: state };
      if (state === "terminated" || Date.now() > limit) {
        return { error: label(row) + " is " + state + ", not " + target + ". Refresh to check again" };
      }
      return confirmState(row, target, limit, next);
    }, function (error) {
      if (Date.now() > limit) return { error: "could not check " + label(row) + ": " + unanswered(error) };
      say(row, "Waiting for " + label(row) + " to be " + target + " (the last check got no answer)", "busy", true);
      return confirmState(row, target, limit, Math.min(wait * 2 || POLL_FIRST_MS, POLL_MAX_MS));
    });
  }

  function done(row) {
    row.dataset.busy = "";
    enable(row);
  }

  function act(row, action, option) {
    var kind = option || action;
    if (action !== "start" && !window.confirm(
      WHAT[kind].charAt(0).toUpperCase() + WHAT[kind].slice(1) + " " + label(row) + ", " +
        row.dataset.id + "?" + (WARN[kind] || "")
    )) return;
    row.dataset.busy = "1";
    enable(row);
    say(row, DOING[kind] + " " + label(row) + "\\u2026", "busy");
    request("POST", path(row, action) + (option ? "?" + option + "=true" : "")).then(function (answer) {
      if (answer.ok && action === "reboot") {
        say(row, label(row) + " is rebooting (since " + hhmm(new Date()) + ")", "busy");
        return delay(REBOOT_NOTICE_MS).then(function () { say(row, ""); done(row); return read(row); });
      }
      if (answer.ok) {
        say(row, "EC2 accepted: waiting for " + label(row) + " to be " + TARGET[action] + "\\u2026", "busy");
        return confirmState(row, TARGET[action], Date.now() + CONFIRM_LIMIT_MS, 0).then(function (outcome) {
          done(row);
          if (outcome.error) say(row, outcome.error.charAt(0).toUpperCase() + outcome.error.slice(1), "state", true);
          else say(row, label(row) + " is " + outcome.state, "state");
        });
      }
      var refused = "Could not " + WHAT[kind] + " " + label(row) + ": " + explain(answer);
      done(row);
      // The card was out of date: show the state EC2 has now, then the refusal.
      if (answer.status === 409) return read(row).then(function () { say(row, refused, "state", true); });
      say(row, refused, "state", true);
    }, function (error) {
      // No answer: the change may or may not have been made. Show what EC2 has.
      done(row);
      return read(row).then(function () {
        say(row, "Could not " + WHAT[kind] + " " + label(row) + ": " + unanswered(error) +
          ". It may not have happened: the card shows what EC2 reports; try again if it is still needed", "state", true);
      });
    });
  }

  /** Keep (\`hours\`) or release (no hours) the instance; then reads it for its new plan. */
  function keep(row, hours) {
    var what = hours ? "keep " + label(row) + " for " + hours + " h" : "release the hold on " + label(row);
    row.dataset.busy = "1";
    enable(row);
    say(row, (hours ? "Keeping " + label(row) : "Releasing " + label(row)) + "\\u2026", "busy");
    request(hours ? "POST" : "DELETE", path(row, "hold"), hours ? { hours: hours } : null).then(function (answer) {
      done(row);
      if (!answer.ok) { say(row, "Could not " + what + ": " + explain(answer), "state", true); return; }
      return read(row).then(function () {
        say(row, hours ? label(row) + " is kept until " + hhmm(new Date(answer.body.hold_until))
          : "The hold on " + label(row) + " is released", "state");
      });
    }, function (error) {
      done(row);
      return read(row).then(function () {
        say(row, "Could not " + what + ": " + unanswered(error) +
          ". It may not have happened: the card shows what the server reports; try again if it is still needed", "state", true);
      });
    });
  }

  /** Loads the region's next page of cards, drawn by the server, and appends them. */
  function showMore(section, button) {
    var token = section.dataset.nextToken;
    var note = section.querySelector(".note");
    button.disabled = true;
    button.textContent = "Loading\\u2026";
    request("GET", "/?region=" + encodeURIComponent(section.dataset.region) + "&next_token=" +
      encodeURIComponent(token) + "&cards=1").then(function (answer) {
      button.disabled = revoked;
      button.textContent = "Show more";
      if (!answer.ok || typeof answer.body !== "string") {
        note.textContent = "Could not load more of " + section.dataset.region + ": " + explain(answer);
        return;
      }
      var page = document.createElement("template");
      page.innerHTML = answer.body;
      var list = page.content.querySelector("ul[data-next-token]");
      if (!list) {
        note.textContent = "Could not load more of " + section.dataset.region + ": your session has ended. Reload the page to sign in again";
        return;
      }
      var target = section.querySelector("ul.instances");
      if (!target) {
        target = document.createElement("ul");
        target.className = "instances";
        section.insertBefore(target, section.querySelector(".more-row"));
        var empty = section.querySelector(".empty");
        if (empty) empty.remove();
      }
      var added = Array.prototype.slice.call(list.children).filter(function (row) {
        return !target.querySelector('li.instance[data-id="' + row.dataset.id + '"]');
      });
      added.forEach(function (row) { target.appendChild(row); arrive(row); });
      section.dataset.pages += (section.dataset.pages ? " " : "") + token;
      section.dataset.nextToken = list.dataset.nextToken;
      button.hidden = !list.dataset.nextToken;
      note.textContent = added.length + " more loaded in " + section.dataset.region +
        (list.dataset.nextToken ? "" : ": that is all of them");
      if (added[0]) { added[0].focus(); }
      else if (button.hidden) { section.querySelector("h2").setAttribute("tabindex", "-1"); section.querySelector("h2").focus(); }
      filter();
      summarize();
    }, function (error) {
      button.disabled = revoked;
      button.textContent = "Show more";
      note.textContent = "Could not load more of " + section.dataset.region + ": " + unanswered(error);
    });
  }

  /** Shows the loaded cards whose name, id, state or a tag holds every word of the filter. */
  function filter() {
    var box = document.getElementById("filter");
    var words = box.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var all = cards();
    var shown = 0;
    all.forEach(function (row) {
      var text = (row.dataset.label + " " + row.dataset.id + " " + row.dataset.state + "\\n" +
        row.dataset.tags).toLowerCase();
      var match = words.every(function (word) { return text.indexOf(word) >= 0; });
      row.hidden = !match;
      if (match) shown++;
    });
    var more = document.querySelectorAll("section[data-next-token]:not([data-next-token=''])").length;
    var note = words.length
      ? shown + " of the " + all.length + " cards loaded match"
      : "Filters the cards loaded on this page by name, state or tag";
    if (words.length && more) note += "; instances not loaded yet (Show more) are not searched";
    document.getElementById("filter-note").textContent = note + ".";
  }

  /** Reads each region's list and updates its cards; busy cards follow their own checks. */
  function refreshAll() {
    if (revoked) return;
    clearTimeout(liveTimer);
    liveTimer = setTimeout(liveTick, LIVE_MS);
    document.querySelectorAll("section[data-region]").forEach(function (section) {
      var region = section.dataset.region;
      var rows = Array.prototype.slice.call(section.querySelectorAll("li.instance"));
      // The pages loaded, each read as it was loaded: bounded work however large the region.
      var tokens = [section.dataset.first || ""].concat(section.dataset.pages ? section.dataset.pages.split(" ") : []);
      Promise.all(tokens.map(function (token) {
        return request("GET", "/instance/" + encodeURIComponent(region) + "?limit=" + PAGE_SIZE +
          (token ? "&next_token=" + encodeURIComponent(token) : ""));
      })).then(function (answers) {
        var failed = answers.filter(function (a) { return !a.ok; })[0];
        var answer = failed || { ok: true, body: { instances: [].concat.apply([], answers.map(function (a) { return a.body.instances; })) } };
        var last = answers[answers.length - 1];
        if (!failed && last.body.next_token && !section.dataset.nextToken) {
          section.dataset.nextToken = last.body.next_token;
          section.querySelector(".show-more").hidden = false;
        }
        if (!answer.ok) {
          rows.forEach(function (row) {
            if (row.dataset.busy !== "1") say(row, "Could not refresh " + label(row) + ": " + explain(answer), "read", true);
          });
          return;
        }
        var seen = {};
        var added = 0;
        answer.body.instances.forEach(function (view) {
          var row = section.querySelector('li.instance[data-id="' + view.id + '"]');
          if (!row) { added++; return; }
          seen[view.id] = 1;
          if (row.dataset.busy !== "1") render(row, view);
        });
        rows.forEach(function (row) {
          if (seen[row.dataset.id] || row.dataset.busy === "1") return;
          render(row, { state: "gone", public_ip_address: null, uptime_seconds: null });
          say(row, label(row) + " is no longer listed in " + region, "state");
        });
        var note = section.querySelector(".note");
        var text = added ? added + " more in " + region + " since the page loaded: reload to see them" : "";
        if (added || /since the page loaded/.test(note.textContent)) note.textContent = text;
        filter();
      }, function (error) {
        rows.forEach(function (row) {
          if (row.dataset.busy !== "1") {
            say(row, "Could not refresh " + label(row) + ": " + unanswered(error) + ". It tries again at " +
              hhmm(new Date(Date.now() + LIVE_MS)), "read", true);
          }
        });
      });
    });
  }

  function liveTick() {
    // Paused while the tab is hidden; it reads again when the tab comes back.
    if (document.visibilityState === "hidden") return;
    refreshAll();
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") refreshAll();
  });

  function copy(row, button) {
    var text = row.querySelector(".addr").textContent;
    function copied() {
      button.textContent = "Copied";
      live.textContent = "Address of " + label(row) + " copied";
      setTimeout(function () { button.textContent = "Copy"; }, 2000);
    }
    function fallback() {
      var range = document.createRange();
      range.selectNodeContents(row.querySelector(".addr"));
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      if (document.execCommand("copy")) copied();
      else live.textContent = "Select the address and copy it";
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(copied, fallback);
    } else {
      fallback();
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    var row = button && button.closest("li.instance");
    if (!row || button.disabled) return;
    if (button.classList.contains("more")) openMenu(row, button.getAttribute("aria-expanded") !== "true");
    else if (button.dataset.action) act(row, button.dataset.action, button.dataset.option);
    else if (button.dataset.hold) keep(row, Number(button.dataset.hold));
    else if (button.dataset.release) keep(row, 0);
    else if (button.classList.contains("copy")) copy(row, button);
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.show-more");
    if (button && !button.disabled) showMore(button.closest("section"), button);
  });
  document.getElementById("filter").addEventListener("input", filter);

  document.addEventListener("keydown", function (event) {
    var row = event.key === "Escape" && event.target.closest && event.target.closest("li.instance");
    var toggle = row && row.querySelector("button.more[aria-expanded=true]");
    if (toggle) { openMenu(row, false); toggle.focus(); }
  });

  /** A card the server drew, on the page or from Show more, taken in hand. */
  function arrive(row) {
    row.dataset.at = String(Date.now());
    row.querySelector(".updated").textContent = "updated " + hhmm(new Date());
    times(row);
    enable(row);
    if (SETTLING[row.dataset.state]) read(row);
  }
  cards().forEach(arrive);
  liveTimer = setTimeout(liveTick, LIVE_MS);
  setInterval(function () { cards().forEach(function (row) { tick(row); times(row); }); }, 30000);
})();
`.replace(/^\s+/gm, "");

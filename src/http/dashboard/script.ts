/**
 * The dashboard's script, inlined into the page as a string: plain ES2017 the
 * browser runs as is, so there is no build step and nothing to load. It never
 * sees the key: the browser sends the `HttpOnly` cookie with each request.
 *
 * It acts on the rows the server rendered (`li.instance` with `data-region`,
 * `data-id`, `data-name`, `data-state`), refreshes a row until a transition
 * settles, and puts every outcome in words into the row's `.message`.
 *
 * @module
 */

/** The page's JavaScript. */
export const DASHBOARD_SCRIPT = `
(function () {
  "use strict";
  var SETTLING = { pending: 1, stopping: 1, "shutting-down": 1 };
  var POLL_MS = 1500;
  var POLL_LIMIT = 400;
  var DOING = { start: "Starting", stop: "Stopping", reboot: "Rebooting" };
  var live = document.getElementById("live");

  function label(row) { return row.dataset.name || row.dataset.id; }

  function say(row, text, isError) {
    var message = row.querySelector(".message");
    message.textContent = text;
    message.classList.toggle("error", !!isError);
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

  function enable(row) {
    var state = row.dataset.state;
    var busy = row.dataset.busy === "1";
    row.querySelectorAll("button[data-action]").forEach(function (button) {
      var wanted = button.dataset.action === "start" ? "stopped" : "running";
      button.disabled = busy || state !== wanted;
    });
  }

  function render(row, view) {
    row.dataset.state = view.state;
    row.querySelector(".state-text").textContent = view.state;
    var address = row.querySelector(".addr");
    address.textContent = view.public_ip_address || "\\u2014";
    address.title = view.public_dns_name || "";
    row.querySelector(".copy").hidden = !view.public_ip_address;
    row.dataset.uptime = view.uptime_seconds === null ? "" : String(view.uptime_seconds);
    row.dataset.at = String(Date.now());
    tick(row);
    enable(row);
  }

  function path(row, action) {
    return "/instance/" + encodeURIComponent(row.dataset.region) + "/" +
      encodeURIComponent(row.dataset.id) + (action ? "/" + action : "");
  }

  function call(row, action) {
    return fetch(path(row, action), {
      method: action ? "POST" : "GET",
      credentials: "same-origin",
      headers: { accept: "application/json" },
    });
  }

  function explain(response) {
    return response.json().then(function (body) {
      return body && body.errors && body.errors[0] ? body.errors[0].title : "";
    }, function () { return ""; }).then(function (title) {
      var status = response.status;
      if (status === 401 && /session/i.test(title)) {
        return "your session has ended. Sign out and sign in again";
      }
      if (status === 401 || (status === 422 && /api_key|key/i.test(title))) {
        return "your key is no longer accepted. Sign out and sign in again";
      }
      if (status === 404) return "this instance no longer exists";
      if (status === 409) return "EC2 says: " + title;
      if (status === 403 || status === 422) return title;
      if (status >= 502 && status <= 504) {
        return "AWS is not answering as it should (" + title + "). Try again in a moment";
      }
      return "something went wrong (HTTP " + status + (title ? ": " + title : "") + ")";
    });
  }

  function offline(row, what) {
    say(row, "Could not " + what + ": the server did not answer. Check your connection", true);
  }

  function refresh(row, attempt, after) {
    call(row).then(function (response) {
      if (!response.ok) {
        return explain(response).then(function (text) {
          say(row, "Could not refresh " + label(row) + ": " + text, true);
        });
      }
      return response.json().then(function (view) {
        render(row, view);
        if (SETTLING[view.state] && attempt < POLL_LIMIT) {
          setTimeout(function () { refresh(row, attempt + 1, after); }, POLL_MS);
        } else if (after) {
          say(row, label(row) + " is " + view.state);
        }
      });
    }, function () { offline(row, "refresh " + label(row)); });
  }

  function act(row, action) {
    if (action !== "start" && !window.confirm(
      (action === "stop" ? "Stop " : "Reboot ") + label(row) + " (" + row.dataset.id + ")?"
    )) return;
    row.dataset.busy = "1";
    enable(row);
    say(row, DOING[action] + " " + label(row) + "\\u2026");
    call(row, action).then(function (response) {
      if (response.ok) {
        if (action === "reboot") say(row, label(row) + " is rebooting");
        refresh(row, 0, action !== "reboot");
        return;
      }
      return explain(response).then(function (text) {
        say(row, "Could not " + action + " " + label(row) + ": " + text, true);
        // The page was out of date: show the state EC2 has now, keeping the message.
        if (response.status === 409) refresh(row, 0, false);
      });
    }, function () { offline(row, action + " " + label(row)); }).then(function () {
      row.dataset.busy = "";
      enable(row);
    });
  }

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
    if (button.dataset.action) act(row, button.dataset.action);
    else if (button.classList.contains("copy")) copy(row, button);
  });

  document.querySelectorAll("li.instance").forEach(function (row) {
    row.dataset.at = String(Date.now());
    if (SETTLING[row.dataset.state]) refresh(row, 0, false);
  });
  setInterval(function () {
    document.querySelectorAll("li.instance").forEach(tick);
  }, 30000);
})();
`;

// Action menus: a button that opens a list of commands and links, built
// after the WAI-ARIA menu button pattern. On the button, Enter, Space and
// ArrowDown open the menu on its first item and ArrowUp on its last. In
// the menu, ArrowDown and ArrowUp move with wrap-around, Home and End jump,
// a letter moves to the next item that starts with it, Escape closes it and
// returns focus to the button, and Tab closes it and moves on. A click
// outside closes it. One menu is open at a time.
"use strict";

window.WebJobsMenu = (function () {
  var openMenu = null;
  var closeListeners = [];
  var nextId = 1;

  function items(menu) {
    return Array.prototype.slice.call(menu.list.querySelectorAll('[role="menuitem"]'));
  }

  function focusItem(menu, index) {
    var all = items(menu);
    if (all.length === 0) return;
    var wrapped = (index + all.length) % all.length;
    all[wrapped].focus();
  }

  function open(menu, focusIndex) {
    if (openMenu && openMenu !== menu) close(openMenu, false);
    menu.list.hidden = false;
    menu.button.setAttribute("aria-expanded", "true");
    openMenu = menu;
    focusItem(menu, focusIndex);
  }

  // Closes `menu`; with `returnFocus`, focus goes back to its button.
  function close(menu, returnFocus) {
    if (menu.list.hidden) return;
    menu.list.hidden = true;
    menu.button.setAttribute("aria-expanded", "false");
    if (openMenu === menu) openMenu = null;
    if (returnFocus) menu.button.focus();
    closeListeners.forEach(function (listener) { listener(); });
  }

  // Moves focus to the next item after the focused one whose text starts
  // with `letter`, ignoring case.
  function focusByLetter(menu, letter) {
    var all = items(menu);
    var start = all.indexOf(document.activeElement);
    var prefix = letter.toLocaleLowerCase();
    for (var step = 1; step <= all.length; step++) {
      var candidate = all[(start + step) % all.length];
      if (candidate.textContent.trim().toLocaleLowerCase().indexOf(prefix) === 0) {
        candidate.focus();
        return;
      }
    }
  }

  // Enter and Space click the button, and the click opens the menu.
  function onButtonKey(menu, event) {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      open(menu, 0);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      open(menu, -1);
    }
  }

  function onMenuKey(menu, event) {
    var all = items(menu);
    var index = all.indexOf(document.activeElement);
    switch (event.key) {
      case "ArrowDown":
        focusItem(menu, index + 1);
        break;
      case "ArrowUp":
        focusItem(menu, index - 1);
        break;
      case "Home":
        focusItem(menu, 0);
        break;
      case "End":
        focusItem(menu, -1);
        break;
      case "Escape":
        close(menu, true);
        break;
      case "Tab":
        // Focus goes to the button first, so the browser's Tab moves on
        // from there and not from an item that is about to be hidden.
        close(menu, true);
        return;
      case " ":
        // Links react to Enter only; Space activates every item here.
        if (index >= 0) all[index].click();
        break;
      default:
        if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) {
          focusByLetter(menu, event.key);
          break;
        }
        return;
    }
    event.preventDefault();
    event.stopPropagation();
  }

  document.addEventListener("mousedown", function (event) {
    if (openMenu && !openMenu.container.contains(event.target)) close(openMenu, false);
  });

  // Builds a menu. `options.label` names the button and the menu for
  // screen readers; `options.items` lists entries, each {text, href} for a
  // link or {text, action} for a command, with `danger` to mark a
  // destructive one and `separated` to draw a line above it. An action runs
  // after the menu has closed and focus is back on the button, so a dialog
  // it opens returns focus there.
  function create(options) {
    var id = "menu-" + nextId++;
    var container = document.createElement("div");
    container.className = "menu";

    var button = document.createElement("button");
    button.type = "button";
    button.id = id + "-button";
    button.className = "menu-button";
    button.setAttribute("aria-haspopup", "menu");
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", id);
    var glyph = document.createElement("span");
    glyph.setAttribute("aria-hidden", "true");
    glyph.textContent = "⋯";
    var name = document.createElement("span");
    name.className = "visually-hidden";
    name.textContent = options.label;
    button.appendChild(glyph);
    button.appendChild(name);

    var list = document.createElement("ul");
    list.id = id;
    list.setAttribute("role", "menu");
    list.setAttribute("aria-labelledby", button.id);
    list.hidden = true;

    var menu = { container: container, button: button, list: list };
    options.items.forEach(function (entry) {
      if (entry.separated) {
        var line = document.createElement("li");
        line.setAttribute("role", "separator");
        list.appendChild(line);
      }
      var holder = document.createElement("li");
      holder.setAttribute("role", "none");
      var item = document.createElement(entry.href ? "a" : "button");
      if (entry.href) item.href = entry.href;
      else item.type = "button";
      item.setAttribute("role", "menuitem");
      item.tabIndex = -1;
      item.className = "menu-item" + (entry.danger ? " danger" : "");
      item.textContent = entry.text;
      item.addEventListener("click", function (event) {
        if (entry.href) {
          close(menu, false);
          return;
        }
        event.preventDefault();
        close(menu, true);
        entry.action();
      });
      holder.appendChild(item);
      list.appendChild(holder);
    });

    button.addEventListener("click", function () {
      if (list.hidden) open(menu, 0);
      else close(menu, true);
    });
    button.addEventListener("keydown", function (event) { onButtonKey(menu, event); });
    list.addEventListener("keydown", function (event) { onMenuKey(menu, event); });

    container.appendChild(button);
    container.appendChild(list);
    return container;
  }

  return {
    create: create,
    // True while a menu is open; pages hold back re-rendering then.
    isOpen: function () { return openMenu !== null && document.contains(openMenu.container); },
    // Calls `listener` each time a menu closes.
    onClose: function (listener) { closeListeners.push(listener); }
  };
})();

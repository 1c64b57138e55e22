// The live sales dashboard: follows the channel sales_updates over the gateway's WebSocket (/ws).
// Every notification carries the sale and the running totals after it (see SalesSchema.java), so
// the newest one is all the totals need. The channel is durable: the first subscribe asks for
// from_id 0 (the sales the log still keeps, for the chart), a reconnect for what came after the
// last id seen, so nothing is missed or counted twice.
"use strict";

const CHANNEL = "sales_updates";
const CHART_POINTS = 200;   // sales on the revenue chart
const RECENT_ROWS = 10;     // rows of the "Latest sales" table

const state = {
  lastId: 0,                // the newest notification id handled: where a reconnect resumes
  latest: null,             // the newest sale, with the totals after it
  points: [],               // [{id, revenue}] for the chart, oldest first
  recent: [],               // the newest sales, newest first
};

// --- the connection ---------------------------------------------------------------------------

let retryMillis = 500;

function connect() {
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  const ws = new WebSocket(scheme + location.host + "/ws");
  ws.onopen = () => {
    ws.send(JSON.stringify({ op: "subscribe", channels: [CHANNEL], from_id: state.lastId, ref: 1 }));
  };
  ws.onmessage = (event) => handle(JSON.parse(event.data));
  ws.onclose = () => {
    setStatus("reconnecting", "reconnecting");
    setTimeout(connect, retryMillis);
    retryMillis = Math.min(retryMillis * 2, 10000);
  };
}

function handle(message) {
  switch (message.op) {
    case "subscribed":
      retryMillis = 500;
      setStatus("live", "live");
      break;
    case "notification":
      if (message.id) {
        state.lastId = message.id;
      }
      addSale(JSON.parse(message.payload));
      break;
    case "reset":
      // The log no longer keeps what we asked for: go on after where it starts. The totals stay
      // right, since the next notification carries them.
      state.lastId = message.continues_after;
      break;
    case "overflow":
      // Only a live subscription overflows; the totals in the next notification are still whole.
      console.warn("dashboard fell behind, missed", message.dropped, "notifications");
      break;
    case "error":
      console.error("server:", message.error, message.sqlstate);
      setStatus("reconnecting", message.error);
      break;
  }
}

function setStatus(kind, text) {
  const el = document.getElementById("status");
  el.className = "status " + kind;
  el.textContent = text;
}

// --- the state --------------------------------------------------------------------------------

function addSale(sale) {
  state.latest = sale;
  state.points.push({ id: sale.id, revenue: sale.revenue_cents });
  if (state.points.length > CHART_POINTS) {
    state.points.shift();
  }
  state.recent.unshift(sale);
  if (state.recent.length > RECENT_ROWS) {
    state.recent.pop();
  }
  scheduleRender();
}

// A replay brings hundreds of notifications at once: draw once per frame, not once per sale.
let renderPending = false;

function scheduleRender() {
  if (!renderPending) {
    renderPending = true;
    requestAnimationFrame(() => {
      renderPending = false;
      render();
    });
  }
}

// --- drawing ----------------------------------------------------------------------------------

function money(cents) {
  const whole = Math.floor(cents / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return "$" + whole + "." + String(cents % 100).padStart(2, "0");
}

function render() {
  const s = state.latest;
  if (!s) {
    return;
  }
  document.getElementById("total-count").textContent = s.sales.toLocaleString("en-US");
  document.getElementById("total-revenue").textContent = money(s.revenue_cents);
  document.getElementById("average-sale").textContent = money(Math.round(s.revenue_cents / s.sales));
  document.getElementById("last-sale").textContent =
    money(s.amount_cents) + " " + s.product + ", " + s.region;
  document.getElementById("chart-span").textContent = state.points.length;
  drawRevenueChart(document.getElementById("revenue-chart"), state.points);
  drawRegionChart(document.getElementById("region-chart"), s.regions);
  renderRecent(document.getElementById("recent"), state.recent);
}

function renderRecent(tbody, sales) {
  tbody.replaceChildren(
    ...sales.map((s) => {
      const tr = document.createElement("tr");
      const cells = [s.id, s.at.substring(11, 19), s.region, s.product, money(s.amount_cents)];
      cells.forEach((text, i) => {
        const td = document.createElement("td");
        td.textContent = text;
        if (i === 4) {
          td.className = "num";
        }
        tr.appendChild(td);
      });
      return tr;
    })
  );
}

// A line of the running revenue, one point per sale, on a canvas sized for the screen's pixels.
function drawRevenueChart(canvas, points) {
  const ratio = window.devicePixelRatio || 1;
  const w = canvas.clientWidth, h = canvas.clientHeight;
  if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(h * ratio);
  }
  const g = canvas.getContext("2d");
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, w, h);
  const left = 80, right = 10, top = 10, bottom = 24;
  const min = points[0].revenue - (points.length > 1 ? 0 : 1);
  const max = points[points.length - 1].revenue;
  const x = (i) => left + (points.length > 1 ? (i / (points.length - 1)) * (w - left - right) : 0);
  const y = (v) => top + (1 - (v - min) / Math.max(1, max - min)) * (h - top - bottom);

  g.font = "12px system-ui, sans-serif";
  g.fillStyle = "#6b7785";
  g.strokeStyle = "#e3e7ee";
  g.lineWidth = 1;
  for (let k = 0; k <= 4; k++) {
    const v = min + ((max - min) * k) / 4;
    g.beginPath();
    g.moveTo(left, y(v));
    g.lineTo(w - right, y(v));
    g.stroke();
    g.fillText(money(Math.round(v)), 4, y(v) + 4);
  }
  g.fillText("sale #" + points[0].id, left, h - 6);
  const lastLabel = "#" + points[points.length - 1].id;
  g.fillText(lastLabel, w - right - g.measureText(lastLabel).width, h - 6);

  g.beginPath();
  points.forEach((p, i) => (i === 0 ? g.moveTo(x(i), y(p.revenue)) : g.lineTo(x(i), y(p.revenue))));
  g.strokeStyle = "#2f6fde";
  g.lineWidth = 2;
  g.stroke();
}

// One bar per region, drawn as SVG elements.
function drawRegionChart(svg, regions) {
  const NS = "http://www.w3.org/2000/svg";
  const names = Object.keys(regions).sort();
  const max = Math.max(1, ...names.map((n) => regions[n].revenue_cents));
  const rowHeight = 260 / Math.max(4, names.length);
  const el = (name, attrs, text) => {
    const e = document.createElementNS(NS, name);
    Object.entries(attrs).forEach(([k, v]) => e.setAttribute(k, v));
    if (text !== undefined) {
      e.textContent = text;
    }
    return e;
  };
  svg.replaceChildren(
    ...names.flatMap((name, i) => {
      const r = regions[name];
      const top = i * rowHeight + 6;
      const width = (r.revenue_cents / max) * 170;
      return [
        el("text", { x: 0, y: top + 20, "font-size": 13, fill: "#1d2733" }, name),
        el("rect", { x: 60, y: top + 6, width: width, height: 20, rx: 3, fill: "#2f6fde" }),
        el("text", { x: 66 + width, y: top + 20, "font-size": 12, fill: "#6b7785" },
          money(r.revenue_cents) + " (" + r.sales + ")"),
      ];
    })
  );
}

connect();

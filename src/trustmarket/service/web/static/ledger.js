// The ledger explorer: checks the transparency log in the browser, with WebCrypto and nothing
// from the service but data. The same checks as trustmarket.ledger.verify (the Python
// reference):
//   - the log id is SHA-256 of the log's Ed25519 public key, and the head names that log;
//   - the head's Ed25519 signature (RFC 8032) holds over its canonical JSON, the bytes
//     trustmarket.ledger.log.TreeHead.signed_bytes builds;
//   - the leaf hash SHA-256(0x00 || entry) folds along the audit path to the head's root
//     (RFC 9162 section 2.1.3.2, nodes SHA-256(0x01 || left || right));
//   - a head is consistent with the last head this browser saw (RFC 9162 section 2.1.4.2);
//   - a receipt's event is the entry the log holds at its index
//     (trustmarket.service.ledger.event_entry) and that entry is in a signed tree.
"use strict";

const ledger = (() => {
  // trustmarket.ledger.log.TREE_HEAD_TYPE: the "type" member of the bytes a tree head signs.
  // A constant of the protocol, not taken from the page, so a page cannot choose what is signed.
  const TREE_HEAD_TYPE = "trustmarket/tree-head/v1";
  const HASH_BYTES = 32;
  const SIGNATURE_BYTES = 64;
  // What this browser remembers per origin (localStorage): the pinned key and the last head.
  const PINNED_KEY = "trustmarket.ledger.key";
  const SEEN_HEAD = "trustmarket.ledger.head";

  // A check that did not hold (or could not be done); its message says which and why.
  class CheckFailed extends Error {}

  // -- bytes ------------------------------------------------------------------------------
  function fromHex(text, what, length) {
    if (typeof text !== "string" || !/^(?:[0-9a-fA-F]{2})*$/.test(text)) {
      throw new CheckFailed(`${what} is not hexadecimal`);
    }
    const bytes = new Uint8Array(text.length / 2);
    for (let i = 0; i < bytes.length; i += 1) bytes[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
    if (length !== undefined && bytes.length !== length) {
      throw new CheckFailed(`${what} has ${bytes.length} bytes, not ${length}`);
    }
    return bytes;
  }

  function toHex(bytes) {
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function fromBase64(text) {
    let binary;
    try {
      binary = atob(text);
    } catch (_) {
      throw new CheckFailed("the entry is not valid base64");
    }
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  }

  function concat(...parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  function same(a, b) {
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }

  const short = (hex) => `${hex.slice(0, 16)}…`;

  // -- hashing (RFC 9162 section 2.1.1) ----------------------------------------------------
  function subtle() {
    if (!window.isSecureContext || !window.crypto || !window.crypto.subtle) {
      // WebCrypto exists only in a secure context (HTTPS, or http://localhost).
      throw new CheckFailed(
        "this page is not served over HTTPS, so the browser offers no WebCrypto and nothing can be checked here",
      );
    }
    return window.crypto.subtle;
  }

  async function sha256(...parts) {
    return new Uint8Array(await subtle().digest("SHA-256", concat(...parts)));
  }

  const leafHash = (data) => sha256(Uint8Array.of(0), data);
  const nodeHash = (left, right) => sha256(Uint8Array.of(1), left, right);

  // -- canonical JSON (trustmarket.ledger.canonical) ----------------------------------------
  // An integer read from the API's text exactly (beyond 2^53 a Number would round it).
  class Exact {
    constructor(text) {
      this.value = BigInt(text);
    }
    toString() {
      return this.value.toString();
    }
  }
  // A number written with a fraction or exponent: Python writes floats as repr() does, which
  // this page does not reproduce, so a value holding one is not checked (never guessed).
  class Inexact {
    constructor(text) {
      this.text = text;
    }
  }

  // Parse JSON text keeping numbers exact where the browser tells the source of each value
  // (JSON.parse's reviver context, Chromium 114 on); elsewhere Numbers stay, checked below.
  function parseExact(text) {
    return JSON.parse(text, (_key, value, context) => {
      if (typeof value !== "number" || !context || typeof context.source !== "string") return value;
      return /^-?(0|[1-9][0-9]*)$/.test(context.source) ? new Exact(context.source) : new Inexact(context.source);
    });
  }

  // Compare by Unicode code point, as Python sorts str keys (JS's default compares UTF-16 units).
  function byCodePoint(a, b) {
    const x = Array.from(a);
    const y = Array.from(b);
    for (let i = 0; i < Math.min(x.length, y.length); i += 1) {
      const d = x[i].codePointAt(0) - y[i].codePointAt(0);
      if (d !== 0) return d;
    }
    return x.length - y.length;
  }

  // Keys sorted by code point, "," and ":" only, strings with only the escapes JSON requires
  // (JSON.stringify's escapes are Python's json with ensure_ascii=False), integers in decimal.
  function canonical(value, where = "the value") {
    if (value === null) return "null";
    if (value instanceof Exact) return value.toString();
    if (value instanceof Inexact) {
      throw new CheckFailed(`${where} is the number ${value.text}; this page checks only whole numbers`);
    }
    switch (typeof value) {
      case "boolean":
        return value ? "true" : "false";
      case "number":
        if (!Number.isSafeInteger(value)) {
          throw new CheckFailed(`${where} is the number ${value}; this page checks only whole numbers below 2^53`);
        }
        return String(value); // String(-0) is "0", as Python writes the int -0
      case "string":
        return JSON.stringify(value);
      case "object": {
        if (Array.isArray(value)) return `[${value.map((v, i) => canonical(v, `${where}[${i}]`)).join(",")}]`;
        const keys = Object.keys(value).sort(byCodePoint);
        return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k], `${where}.${k}`)}`).join(",")}}`;
      }
      default:
        throw new CheckFailed(`${where} has no JSON form`);
    }
  }

  const utf8 = (text) => new TextEncoder().encode(text);

  // -- tree heads ---------------------------------------------------------------------------
  function signedText(head) {
    return canonical({
      log_id: head.log_id,
      root_hash: head.root_hash,
      timestamp: head.timestamp,
      tree_size: head.tree_size,
      type: TREE_HEAD_TYPE,
    }, "the head");
  }

  function wholeNumber(value, what) {
    const n = value instanceof Exact ? Number(value.value) : value;
    if (!Number.isSafeInteger(n) || n < 0) throw new CheckFailed(`${what} is not a whole number: ${value}`);
    return n;
  }

  // The log id is SHA-256 of the raw public key (trustmarket.ledger.keys.PublicKey.key_id).
  async function checkKey(key) {
    const raw = fromHex(key.public_key, "the public key", 32);
    const id = toHex(await sha256(raw));
    if (id !== key.log_id) throw new CheckFailed(`the log id is not SHA-256 of the public key (that is ${short(id)})`);
    return raw;
  }

  // Ed25519 over the head's canonical JSON (trustmarket.ledger.verify.verify_tree_head).
  async function checkHead(head, key) {
    if (head.log_id !== key.log_id) {
      throw new CheckFailed(`the head is from log ${short(head.log_id)}, not from log ${short(key.log_id)}`);
    }
    fromHex(head.root_hash, "the root hash", HASH_BYTES);
    wholeNumber(head.tree_size, "the tree size");
    wholeNumber(head.timestamp, "the timestamp");
    const signature = fromHex(head.signature, "the signature");
    if (signature.length !== SIGNATURE_BYTES) {
      throw new CheckFailed(`an Ed25519 signature is ${SIGNATURE_BYTES} bytes; this one has ${signature.length}`);
    }
    let publicKey;
    try {
      publicKey = await subtle().importKey("raw", fromHex(key.public_key, "the public key", 32), { name: "Ed25519" }, false, ["verify"]);
    } catch (error) {
      if (error instanceof CheckFailed) throw error;
      throw new CheckFailed(`this browser's WebCrypto cannot use Ed25519 keys (${error.name}), so the signature is not checked`);
    }
    const good = await subtle().verify({ name: "Ed25519" }, publicKey, signature, utf8(signedText(head)));
    if (!good) throw new CheckFailed(`the signature of the head of size ${head.tree_size} does not verify with the log's key`);
  }

  // -- proofs (RFC 9162 sections 2.1.3.2 and 2.1.4.2; BigInt because JS bit operators are 32-bit)
  async function rootFromPath(leaf, index, size, path) {
    let fn = BigInt(index);
    let sn = BigInt(size) - 1n;
    if (fn > sn) throw new CheckFailed(`leaf index ${index} is not in a tree of size ${size}`);
    let r = leaf;
    for (const item of path) {
      if (sn === 0n) throw new CheckFailed(`the proof has ${path.length} hashes, more than leaf ${index} of a tree of ${size} needs`);
      if ((fn & 1n) === 1n || fn === sn) {
        r = await nodeHash(item, r);
        if ((fn & 1n) === 0n) {
          while (!((fn & 1n) === 1n || fn === 0n)) {
            fn >>= 1n;
            sn >>= 1n;
          }
        }
      } else {
        r = await nodeHash(r, item);
      }
      fn >>= 1n;
      sn >>= 1n;
    }
    if (sn !== 0n) throw new CheckFailed(`the proof has ${path.length} hashes, fewer than leaf ${index} of a tree of ${size} needs`);
    return r;
  }

  function pathBytes(proof) {
    if (!proof || !Array.isArray(proof.path)) throw new CheckFailed("the proof has no path");
    return proof.path.map((item, k) => fromHex(item, `hash ${k} of the path`, HASH_BYTES));
  }

  // The entry is leaf proof.index of the tree the head names (trustmarket.ledger.verify
  // .verify_inclusion, the head's signature apart). Returns the leaf hash and computed root.
  async function checkInclusion(data, index, proof, head) {
    const size = wholeNumber(head.tree_size, "the tree size");
    if (wholeNumber(proof.tree_size, "the proof's tree size") !== size) {
      throw new CheckFailed(`the proof is for a tree of ${proof.tree_size} entries, the head for ${size}`);
    }
    if (wholeNumber(proof.index, "the proof's index") !== index) {
      throw new CheckFailed(`the proof is for entry ${proof.index}, not ${index}`);
    }
    const leaf = await leafHash(data);
    const root = await rootFromPath(leaf, index, size, pathBytes(proof));
    const signed = fromHex(head.root_hash, "the root hash", HASH_BYTES);
    if (!same(root, signed)) {
      const error = new CheckFailed(`the path leads to root ${short(toHex(root))}, not to the head's root ${short(head.root_hash)}`);
      error.leaf = leaf;
      error.root = root;
      throw error;
    }
    return { leaf, root };
  }

  async function checkConsistency(oldSize, newSize, path, oldRoot, newRoot) {
    const m = BigInt(oldSize);
    const n = BigInt(newSize);
    if (m === n) {
      if (path.length) throw new CheckFailed("a consistency proof between equal sizes must be empty");
      if (!same(oldRoot, newRoot)) throw new CheckFailed(`two different roots for the same tree size ${oldSize}`);
      return;
    }
    if (m === 0n) {
      if (path.length) throw new CheckFailed("a consistency proof from the empty tree must be empty");
      return;
    }
    if (!path.length) throw new CheckFailed(`an empty proof cannot link tree size ${oldSize} to ${newSize}`);
    const items = (m & (m - 1n)) === 0n ? [oldRoot, ...path] : [...path];
    let fn = m - 1n;
    let sn = n - 1n;
    while ((fn & 1n) === 1n) {
      fn >>= 1n;
      sn >>= 1n;
    }
    let fr = items[0];
    let sr = items[0];
    for (const item of items.slice(1)) {
      if (sn === 0n) throw new CheckFailed(`the consistency proof has more hashes than sizes ${oldSize} to ${newSize} need`);
      if ((fn & 1n) === 1n || fn === sn) {
        fr = await nodeHash(item, fr);
        sr = await nodeHash(item, sr);
        if ((fn & 1n) === 0n) {
          while (!((fn & 1n) === 1n || fn === 0n)) {
            fn >>= 1n;
            sn >>= 1n;
          }
        }
      } else {
        sr = await nodeHash(sr, item);
      }
      fn >>= 1n;
      sn >>= 1n;
    }
    if (sn !== 0n) throw new CheckFailed(`the consistency proof has fewer hashes than sizes ${oldSize} to ${newSize} need`);
    if (!same(fr, oldRoot)) throw new CheckFailed(`the proof does not reproduce the root of the tree of ${oldSize} entries`);
    if (!same(sr, newRoot)) throw new CheckFailed(`the proof does not reproduce the root of the tree of ${newSize} entries`);
  }

  // -- what this browser remembers -----------------------------------------------------------
  function recall(name) {
    try {
      const text = window.localStorage.getItem(name);
      return text ? JSON.parse(text) : null;
    } catch (_) {
      return undefined; // storage refused (private mode, policy): nothing to compare with
    }
  }

  function remember(name, value) {
    try {
      window.localStorage.setItem(name, JSON.stringify(value));
    } catch (_) {
      // nothing to do: the next visit is a first visit again
    }
  }

  // Trust on first use, as trustmarket.client.Client pins the key it first fetched. A key
  // that differs from the pinned one fails, and the visitor may choose to trust the new one.
  let replacedKey = null;

  function pinKey(key) {
    const pinned = recall(PINNED_KEY);
    if (pinned === undefined) return { state: "unchecked", text: "your browser keeps no storage for this site, so the key cannot be compared with an earlier visit" };
    const usable = pinned && typeof pinned.public_key === "string";
    if (usable && pinned.public_key !== key.public_key) {
      replacedKey = key;
      throw new CheckFailed(`the log's key is not the one your browser pinned on ${pinned.since} (${short(pinned.public_key)}): this is another log, or the service changed its key`);
    }
    if (usable) return { state: "ok", text: `the log id is SHA-256 of the public key, which is the key your browser pinned on ${pinned.since}` };
    remember(PINNED_KEY, { log_id: key.log_id, public_key: key.public_key, since: new Date().toISOString().slice(0, 10) });
    return { state: "ok", text: "the log id is SHA-256 of the public key; your browser pinned this key now (first use)" };
  }

  // Only the visitor decides to trust a new key (a service reinstalled with a new log, say).
  function offerRepin(item) {
    if (!replacedKey || !item) return;
    const key = replacedKey;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "secondary";
    button.textContent = "Trust the new key";
    button.addEventListener("click", () => {
      remember(PINNED_KEY, { log_id: key.log_id, public_key: key.public_key, since: new Date().toISOString().slice(0, 10) });
      remember(SEEN_HEAD, null);
      window.location.reload();
    });
    item.append(" ", button);
  }

  // The log only grew since the head this browser last verified: a consistency proof from the
  // smaller tree to the larger (trustmarket.ledger.verify.LogClient.update). ``head`` must
  // already be verified; the larger of the two is remembered.
  async function follow(head) {
    const seen = recall(SEEN_HEAD);
    const current = { log_id: head.log_id, tree_size: wholeNumber(head.tree_size, "the tree size"), root_hash: head.root_hash };
    if (seen === undefined) return { state: "unchecked", text: "your browser keeps no storage for this site, so there is no earlier head to compare with" };
    const usable = seen && typeof seen.log_id === "string" && Number.isSafeInteger(seen.tree_size)
      && seen.tree_size >= 0 && typeof seen.root_hash === "string";
    if (!usable || seen.log_id !== head.log_id) {
      remember(SEEN_HEAD, current);
      return { state: "unchecked", text: `the first head of this log your browser has seen (${current.tree_size} entries); it is remembered, and your next visit checks that the log only grew from it` };
    }
    const [small, large] = seen.tree_size <= current.tree_size ? [seen, current] : [current, seen];
    const smallRoot = fromHex(small.root_hash, "a root hash", HASH_BYTES);
    const largeRoot = fromHex(large.root_hash, "a root hash", HASH_BYTES);
    if (small.tree_size === large.tree_size) {
      await checkConsistency(small.tree_size, large.tree_size, [], smallRoot, largeRoot);
    } else {
      let answer;
      try {
        answer = await getJson(`/api/ledger/consistency?old=${small.tree_size}&new=${large.tree_size}`);
      } catch (error) {
        throw new CheckFailed(`the log cannot prove that its tree of ${small.tree_size} entries is a prefix of the tree of ${large.tree_size} your browser saw: ${error.message}`);
      }
      const proof = answer.proof || {};
      if (proof.old_size !== small.tree_size || proof.new_size !== large.tree_size) {
        throw new CheckFailed(`the consistency proof is for sizes ${proof.old_size} to ${proof.new_size}, not ${small.tree_size} to ${large.tree_size}`);
      }
      await checkConsistency(small.tree_size, large.tree_size, pathBytes(proof), smallRoot, largeRoot);
    }
    remember(SEEN_HEAD, large);
    const before = seen.tree_size === current.tree_size ? "the head your browser saw before has the same size and root" : `the tree of ${small.tree_size} entries is a prefix of the tree of ${large.tree_size} (consistency proof checked)`;
    return { state: "ok", text: `${before}: the log kept its history` };
  }

  // -- the API -------------------------------------------------------------------------------
  // A GET of the JSON API, as text, so that receipts can be parsed with exact numbers. Reads
  // are authenticated by the session cookie (see trustmarket.service.deps).
  async function getJson(path, exact = false) {
    const response = await fetch(path, { credentials: "same-origin", headers: { Accept: "application/json" } });
    const text = await response.text();
    let data = null;
    try {
      data = exact ? parseExact(text) : JSON.parse(text);
    } catch (_) {
      data = null;
    }
    if (!response.ok) {
      throw new Error(data && typeof data.message === "string" ? data.message : `the service answered ${response.status}`);
    }
    return data;
  }

  // -- showing outcomes ----------------------------------------------------------------------
  const OUTCOME = { ok: "Passed", fail: "Failed", unchecked: "Not checked", pending: "Checking…" };

  function mark(item, state, text) {
    if (!item) return;
    item.classList.remove("pending", "ok", "fail", "unchecked");
    item.classList.add(state);
    item.dataset.state = state;
    item.querySelector(".outcome").textContent = OUTCOME[state];
    item.querySelector(".detail").textContent = text;
  }

  // Run one check and show its outcome; resolves to whether it passed.
  async function show(item, check) {
    try {
      const result = await check();
      mark(item, result.state || "ok", result.text);
      return result.state !== "fail";
    } catch (error) {
      mark(item, "fail", error.message || String(error));
      return false;
    }
  }

  // -- the page: the head and the entry it shows -----------------------------------------------
  async function checkPage(data) {
    const key = data.key;
    const head = data.head;
    const signedBytes = document.querySelector("#signed-bytes");
    if (signedBytes) {
      try {
        signedBytes.textContent = signedText(head);
      } catch (error) {
        signedBytes.textContent = error.message;
      }
    }
    await show(document.querySelector("#check-key"), async () => {
      await checkKey(key);
      return pinKey(key);
    });
    offerRepin(document.querySelector("#check-key"));
    const signed = await show(document.querySelector("#check-signature"), async () => {
      await checkHead(head, key);
      return { text: `Ed25519 signature by the log's key over the head of ${head.tree_size} entries verifies` };
    });
    if (signed) {
      await show(document.querySelector("#check-consistency"), () => follow(head));
    } else {
      mark(document.querySelector("#check-consistency"), "unchecked", "the head's signature does not hold, so it is not compared with earlier heads");
    }
    if (data.entry) {
      const entry = data.entry;
      await show(document.querySelector("#check-inclusion"), async () => {
        const bytes = fromBase64(entry.entry);
        try {
          const { leaf, root } = await checkInclusion(bytes, entry.index, entry.proof, entry.head);
          document.querySelector("#leaf-hash").textContent = toHex(leaf);
          document.querySelector("#computed-root").textContent = toHex(root);
        } catch (error) {
          if (error.leaf) document.querySelector("#leaf-hash").textContent = toHex(error.leaf);
          if (error.root) document.querySelector("#computed-root").textContent = toHex(error.root);
          throw error;
        }
        const folded = `the leaf hash folds along ${entry.proof.path.length} hashes to the head's root ${short(entry.head.root_hash)}`;
        // As trustmarket.ledger.verify.verify_inclusion: a path to an unsigned root proves nothing.
        if (!signed) return { state: "fail", text: `${folded}, but the head's signature does not hold, so this does not prove the log holds the entry` };
        return { text: `${folded}, and the head is signed by the log` };
      });
    }
  }

  // -- receipts ------------------------------------------------------------------------------
  // The entry a receipt's event must have: trustmarket.service.ledger.event_entry, as
  // trustmarket.client.receipt_entry recomputes it.
  async function receiptEntry(receipt) {
    const salt = fromHex(receipt.salt, "the receipt's salt");
    const digest = toHex(await sha256(salt, utf8(canonical(receipt.event, "the event"))));
    return utf8(canonical({ type: "auction_event", auction_id: receipt.auction_id, seq: receipt.seq, digest }, "the entry"));
  }

  function cell(state, text) {
    return `<td><span class="${state}">${tm.escape(OUTCOME[state])}</span> <span class="detail">${tm.escape(text)}</span></td>`;
  }

  async function checkReceipt(receipt, head, headOk) {
    const row = { seq: String(receipt.seq), type: receipt.event && receipt.event.type, index: receipt.log_index };
    if (receipt.salt === null || receipt.log_index === null || receipt.log_index === undefined) {
      return { ...row, entry: ["unchecked", "the service kept no salt or log index for this event"], included: ["unchecked", "-"] };
    }
    const index = wholeNumber(receipt.log_index, "the receipt's log index");
    let expected;
    try {
      expected = await receiptEntry(receipt);
    } catch (error) {
      return { ...row, entry: ["unchecked", error.message], included: ["unchecked", "-"] };
    }
    let answer;
    try {
      answer = await getJson(`/api/ledger/entries/${index}?size=${head.tree_size}`);
    } catch (error) {
      return { ...row, entry: ["fail", error.message], included: ["fail", "-"] };
    }
    let stored;
    try {
      stored = fromBase64(answer.entry);
    } catch (error) {
      return { ...row, entry: ["fail", error.message], included: ["fail", "-"] };
    }
    const matches = same(stored, expected);
    const entry = matches
      ? ["ok", `log entry ${index} is SHA-256(salt ‖ this event) for seq ${row.seq}`]
      : ["fail", `log entry ${index} is not this event's digest: the log holds ${new TextDecoder().decode(stored).slice(0, 160)}`];
    let included;
    try {
      // The proof must lead to the root of the head verified above, not to the answer's own.
      await checkInclusion(stored, index, answer.proof, head);
      included = headOk
        ? ["ok", `in the signed tree of ${head.tree_size} entries`]
        : ["fail", "the path leads to the head's root, but the head's signature does not hold"];
    } catch (error) {
      included = ["fail", error.message];
    }
    return { ...row, entry, included };
  }

  async function verifyReceipts(key, auctionId, into) {
    into.innerHTML = "";
    const receipts = await getJson(`/api/auctions/${encodeURIComponent(auctionId)}/receipts`, true);
    if (!Array.isArray(receipts) || receipts.length === 0) {
      return "You have no events in this auction: only your own events have receipts.";
    }
    // One fresh head for every receipt: signed by the pinned key, consistent with the last seen.
    const head = await getJson("/api/ledger/head");
    let headOk = true;
    let headText;
    try {
      await checkKey(key);
      await checkHead(head, key);
      const followed = await follow(head);
      headText = `Checked against the head of ${head.tree_size} entries (root ${short(head.root_hash)}): its signature verifies; ${followed.text}.`;
    } catch (error) {
      headOk = false;
      headText = `The head of ${head.tree_size} entries does not check out: ${error.message}.`;
    }
    const rows = [];
    for (const receipt of receipts) rows.push(await checkReceipt(receipt, head, headOk));
    const good = rows.filter((r) => r.entry[0] === "ok" && r.included[0] === "ok").length;
    into.innerHTML = `<p class="${headOk ? "hint" : "error"}" id="receipts-head">${tm.escape(headText)}</p>
      <div class="scroll"><table id="receipts-table">
      <caption class="visually-hidden">Your receipts in auction ${tm.escape(auctionId)}</caption>
      <thead><tr><th class="num">Seq</th><th>Event</th><th class="num">Log entry</th><th>The log holds this event</th><th>Included</th></tr></thead>
      <tbody>${rows.map((r) => `<tr data-seq="${tm.escape(r.seq)}">
        <td class="num">${tm.escape(r.seq)}</td><td>${tm.escape(r.type || "-")}</td>
        <td class="num">${r.index === null || r.index === undefined ? "-" : `<a href="/ledger?entry=${tm.escape(String(r.index))}">${tm.escape(String(r.index))}</a>`}</td>
        ${cell(...r.entry)}${cell(...r.included)}</tr>`).join("")}</tbody></table></div>`;
    if (good !== rows.length) {
      throw new Error(`${rows.length - good} of ${rows.length} receipts did not check out; see the table`);
    }
    return `All ${rows.length} receipts check out: the log holds each of these events, in a tree it signed.`;
  }

  function start() {
    const source = document.querySelector("#ledger-data");
    if (!source) return;
    const data = JSON.parse(source.textContent);
    checkPage(data);
    const into = document.querySelector("#receipts");
    tm.onSubmit("#receipts-form", async (fields) => {
      if (!fields.auction_id) throw new Error("enter the id of an auction");
      return verifyReceipts(data.key, fields.auction_id, into);
    });
    const form = document.querySelector("#receipts-form");
    if (form && form.elements.auction_id.value) form.requestSubmit();
  }

  start();
  return { canonical, parseExact, signedText, leafHash, rootFromPath, checkConsistency, toHex, fromHex, CheckFailed };
})();

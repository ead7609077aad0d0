// Stand-in for `mnemonist/lru-cache` in the function bundles (see esbuild-plugins.mjs). Its only
// importer there is `@aws-sdk/endpoint-cache`, which DynamoDB's endpoint discovery builds with every
// client and uses only when discovery is turned on (it is not, in airlock). The same methods on a Map
// (insertion order is recency: a read moves the key to the end), for 7 KB less of mnemonist and
// obliterator read at every cold start.
export default class LRUCache {
  /** @param {number} capacity */
  constructor(capacity) {
    this.capacity = capacity;
    /** @type {Map<unknown, unknown>} */
    this.items = new Map();
  }

  get size() {
    return this.items.size;
  }

  /** @param {unknown} key */
  has(key) {
    return this.items.has(key);
  }

  /** @param {unknown} key */
  peek(key) {
    return this.items.get(key);
  }

  /** @param {unknown} key */
  get(key) {
    if (!this.items.has(key)) return undefined;
    const value = this.items.get(key);
    this.items.delete(key);
    this.items.set(key, value);
    return value;
  }

  /** @param {unknown} key @param {unknown} value */
  set(key, value) {
    this.items.delete(key);
    this.items.set(key, value);
    if (this.items.size > this.capacity) this.items.delete(this.items.keys().next().value);
    return this;
  }

  clear() {
    this.items.clear();
  }
}

/**
 * Types of the typed action catalog.
 *
 * The catalog is generated data (see `tools/gen_catalog.ts`), stored per service version under
 * `lib/catalog/data/` as its shape and, apart, its documentation (see `docs.ts`), plus one
 * small `index.json` listing every service, version and action name so lookups and "did you
 * mean" never load all services.
 *
 * A type is written as a string:
 * - a scalar: `String`, `Integer` (int64/uint64, kept exact as bigint), `Float`, `Number`
 *   (the SDK declares only `number` and no document says which), `Boolean`, `Timestamp`
 *   (an ISO-8601 or `YYYY-MM-DD HH:MM:SS` string), `Binary` (base64 string), `Any`;
 * - a structure name of the same service version, e.g. `Filter`;
 * - an array of either, with a `[]` suffix, e.g. `Filter[]`, `String[]`.
 *
 * @module
 */

/** The scalar type names a catalog type string may use. */
export const SCALAR_TYPES = [
  "String",
  "Integer",
  "Float",
  "Number",
  "Boolean",
  "Timestamp",
  "Binary",
  "Any",
] as const;

/** One of {@link SCALAR_TYPES}. */
export type ScalarType = typeof SCALAR_TYPES[number];

/** A catalog type string: scalar, structure name, or either with `[]` suffixes. */
export type TypeName = string;

/** A parameter of a request, a field of a response or of a structure. */
export interface Field {
  /** Parameter or field name as in the API, e.g. `InstanceId`. */
  name: string;
  /** Its catalog type string, e.g. `String`, `Integer`, `Filter[]`. */
  type: TypeName;
  /** Required in requests; for outputs, always present (not `null`) in responses. */
  required: boolean;
  /** First paragraph of the documentation, plain text. */
  doc?: string;
  /**
   * The whole documentation (enumerations and lists on their own lines), plain text, when it
   * says more than `doc`.
   */
  description?: string;
  /** True when the documentation marks it deprecated. */
  deprecated?: boolean;
  /** Documented example value, as text. */
  example?: string;
  /** Inclusive bounds for numbers, or length bounds for arrays/strings, where documented. */
  min?: number;
  /** Inclusive upper bound (value for numbers, length for arrays/strings), where documented. */
  max?: number;
  /** Allowed values, where documented as an enumeration. */
  enum?: string[];
  /**
   * True when the field carries a credential (a key, password, token, private key, PSK),
   * judged from its name and documentation: its value is a secret of the run that receives it.
   */
  secret?: boolean;
  /**
   * Set where a seed document and the official definitions (the SDK) disagree on whether this
   * request parameter or structure field is required: what each says. `required` keeps the
   * seed's word; `validate` warns `W_SEED_DIFFERS` when the field is left out.
   */
  seedDiffers?: { seedRequired: boolean; sdkRequired: boolean; seed: string };
  /**
   * How long the value stays good, where the documentation says (emr `ClientToken` 时效5分钟,
   * cfs `ClientToken` 2 h, a signed URL 有效期5分钟): `resume` warns `W_EXPIRED` when it would
   * reuse a recorded value older than that. `doc` holds the documentation's words.
   */
  lifetime?: { seconds: number; doc: string };
}

/** A named structure (`Filter`, `TopicItem` …). */
export interface Structure {
  /** Structure name, e.g. `TopicItem`. */
  name: string;
  /** First paragraph of the documentation, plain text. */
  doc?: string;
  /** The whole documentation, plain text, when it says more than `doc`. */
  description?: string;
  /** Its fields. */
  fields: Field[];
}

/**
 * How the position of a page is written in the request:
 * - `offset`: an item offset (`Offset` = items already read, `Limit` items per page);
 * - `page`: a page number (`PageNumber`, `PageNo`, `PageIndex`, `Page`, or an `Offset` its
 *   documentation says is a page number), counted from {@link Pagination.base};
 * - `token`: an opaque value the previous response hands back (`NextToken`, `Context`,
 *   `Cursor`, `ScrollToken`, `SearchAfter` …), absent on the first request.
 */
export type PagingStyle = "offset" | "page" | "token";

/** How a `Describe*`/`List*` action pages its results (what `paginate: true` follows). */
export interface Pagination {
  /** How the position advances. */
  style: PagingStyle;
  /** Request field of the position: the item offset, the page number or the token. */
  offset: string;
  /** Its declared catalog type (`String` positions are sent as strings). */
  offsetType: TypeName;
  /** Request field of the page size (`Limit`, `PageSize`, `MaxResults` …); `""` when none. */
  limit: string;
  /** Its declared catalog type (`""` when there is no page size). */
  limitType: TypeName;
  /**
   * The request field (a structure) that holds `offset` and `limit` when they are not
   * top-level parameters, e.g. `Filter` in `Filter.Offset`.
   */
  in?: string;
  /** `page` style: the number of the first page (0 or 1, as documented). */
  base?: number;
  /** Response field of the total number of items; `""` when the API gives none. */
  total: string;
  /** Response field holding the array that is concatenated over pages. */
  list: string;
  /**
   * The response field (a structure) that holds `total` and `list`, when they are not
   * top-level fields: apigateway's `Result` in `Result.TotalCount` / `Result.ServiceSet`.
   */
  within?: string;
  /**
   * `token` style: where the response holds the next token (empty: no more pages), as a
   * dotted path from the top of the response (`NextToken`, `Data.Context`).
   */
  next?: string;
  /** A response boolean beside the list that is false on the last page (`HasMore`). */
  more?: string;
  /** Largest page size the action accepts, where documented (else 100 is used). */
  maxLimit?: number;
}

/**
 * How a REST action (Huawei Cloud) is sent over HTTP: method, path template and which inputs
 * fill the path and the query. Tencent Cloud actions (one signed JSON POST) have none.
 */
export interface HttpBinding {
  /** HTTP method. */
  method: "GET" | "POST" | "PUT" | "DELETE" | "PATCH";
  /** Path template with `{name}` placeholders, e.g. `/v1/{project_id}/cloud-phone/encode-servers`. */
  path: string;
  /** Inputs that fill the path's `{name}` placeholders, in path order. */
  pathParams: string[];
  /** Inputs sent in the query string. */
  queryParams: string[];
}

/** Where an action's definition came from. */
export type ActionSource = "sdk" | "seed" | "sdk+seed";

/** One API action of one service version. */
export interface ActionSpec {
  /** Service name as in the host, e.g. `trocket`. */
  service: string;
  /** API version, e.g. `2023-03-08`. */
  version: string;
  /** Action name, e.g. `DescribeTopicList`. */
  name: string;
  /** First paragraph of the documentation. */
  doc?: string;
  /** The whole documentation, plain text, when it says more than `doc`. */
  description?: string;
  /** Requests per second allowed by default (documented; 20 where unknown). */
  rateLimitPerS: number;
  /** False for `Describe*`, `List*`, `Get*`, `Query*`, `Check*`, `Inquiry*`. */
  mutating: boolean;
  /** True when the request takes a `ClientToken` (idempotency) parameter. */
  clientToken: boolean;
  /** Request parameters. */
  inputs: Field[];
  /** Response fields, without `RequestId`. */
  outputs: Field[];
  /** How the action pages (what `paginate: true` follows), when it can. */
  pagination?: Pagination;
  /**
   * Why an action that takes a paging parameter (`Offset`, `PageNumber`, `NextToken` …) cannot
   * be followed by `paginate: true`, e.g. "no list in the response".
   */
  notPageable?: string;
  /** Error codes documented for this action (code → description). */
  errors?: Record<string, string>;
  /**
   * The documentation's own words where it says the action is offline or deprecated
   * (`此接口已下线，如需使用功能请使用DescribeApiAppsStatus接口。`): `validate` warns `W_DEPRECATED`.
   */
  deprecated?: string;
  /** `sdk`: from `tencentcloud-sdk-nodejs`; `seed`: from a seed API document; `sdk+seed`: both. */
  source: ActionSource;
  /** REST binding of a Huawei Cloud operation; absent for Tencent Cloud actions. */
  http?: HttpBinding;
}

/**
 * One service version: its actions and structures. Stored as two JSON data files, the shape
 * (`<version>.json`) and the documentation (`<version>.docs.json`, see `docs.ts`).
 */
export interface ServiceVersion {
  /** Service name as in the host, e.g. `trocket`. */
  service: string;
  /** API version, e.g. `2023-03-08`. */
  version: string;
  /** Default endpoint host, e.g. `trocket.tencentcloudapi.com`. */
  host: string;
  /** Human name of the product, when known. */
  title?: string;
  /** Actions by name. */
  actions: Record<string, ActionSpec>;
  /** Structures by name. */
  structures: Record<string, Structure>;
}

/** `services.json`: every service, its versions (newest first) and host; no action names. */
export interface CatalogServices {
  generatedBy: string;
  services: Record<string, {
    /** Newest first; the first is the default when a step gives no `version:`. */
    versions: string[];
    host: string;
  }>;
}

/** `index.json`: every service, its versions (newest first), and each version's actions. */
export interface CatalogIndex {
  generatedBy: string;
  /** Version of `tencentcloud-sdk-nodejs` the catalog was generated from. */
  sdkVersion: string;
  services: Record<string, {
    /** Newest first; the first is the default when a step gives no `version:`. */
    versions: string[];
    host: string;
    actions: Record<string, string[]>;
  }>;
}

/**
 * The emulated SSL certificate service (`ssl` 2019-12-05): `DescribeCertificates` over seeded
 * certificates, with the documented filters (`SearchKey`, `CertificateType`, `ProjectId`,
 * `ExpirationSort`, `CertificateStatus`, `Deployable`, `Upload`, `Renew`, `FilterSource`,
 * `IsSM`, `FilterExpiring`, `Hostable`, `Tags`, `IsPendingIssue`, `CertIds`) and
 * Offset/Limit paging (default 10, at most 1000).
 *
 * Times are `YYYY-MM-DD HH:MM:SS` in UTC. The demo certificates are dated relative to the
 * emulator clock at the first call (see `ssl_data.ts`). An issued certificate (status 1) whose end time has
 * passed on the emulator clock is answered as expired (status 3); `IsExpiring` is true for an
 * issued certificate that ends within 30 days.
 *
 * @module
 */

import { checkWindow } from "./_list.ts";
import { ApiError, type CallContext, type ServiceEmulator } from "./service.ts";
import { type CertRec, demoSslState, type SslState } from "./ssl_data.ts";

const DAY_MS = 86_400_000;
/** How close to its end an issued certificate counts as expiring. */
export const EXPIRING_WITHIN_DAYS = 30;

const STATUS_NAMES: Record<number, string> = {
  0: "审核中",
  1: "已通过",
  2: "审核失败",
  3: "已过期",
  4: "已添加DNS记录",
  5: "企业证书，待提交",
  6: "订单取消中",
  7: "已取消",
  8: "已提交资料，待上传确认函",
  9: "证书吊销中",
  10: "已吊销",
  11: "重颁发中",
  12: "待上传吊销确认函",
  13: "免费证书待提交资料",
};

/** Statuses of certificates still waiting to be issued (`IsPendingIssue`). */
const PENDING_ISSUE = [0, 4, 8, 13];

function invalid(message: string): ApiError {
  return new ApiError("FailedOperation.InvalidParam", message);
}

function intParam(params: Record<string, unknown>, name: string): number | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "number" && Number.isInteger(v)) return v;
  throw invalid(`${name} must be an integer: got ${String(v)}`);
}

function flagParam(params: Record<string, unknown>, name: string): 0 | 1 | undefined {
  const v = intParam(params, name);
  if (v === undefined) return undefined;
  if (v !== 0 && v !== 1) throw invalid(`${name} must be 0 or 1: got ${v}`);
  return v;
}

function strParam(params: Record<string, unknown>, name: string): string | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw invalid(`${name} must be a string`);
  return v;
}

/** `YYYY-MM-DD HH:MM:SS` (UTC) of epoch milliseconds. */
function formatTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}

/** Epoch milliseconds of `YYYY-MM-DD HH:MM:SS` (UTC) or ISO text; NaN when unparsable. */
function parseTime(text: string): number {
  return Date.parse(
    /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(text) ? `${text.replace(" ", "T")}Z` : text,
  );
}

/** A certificate resolved against the clock: absolute times, effective status. */
interface Resolved {
  rec: CertRec;
  beginMs: number | undefined;
  endMs: number | undefined;
  insertMs: number;
  status: number;
  expiring: boolean;
}

function resolve(rec: CertRec, anchorMs: number, nowMs: number): Resolved {
  const at = (offsetDays: number | undefined, text: string | undefined): number | undefined => {
    if (offsetDays !== undefined) return anchorMs + offsetDays * DAY_MS;
    if (text === undefined || text === "") return undefined;
    const ms = parseTime(text);
    return Number.isNaN(ms) ? undefined : ms;
  };
  const beginMs = at(rec.beginOffsetDays, rec.CertBeginTime);
  const endMs = at(rec.endOffsetDays, rec.CertEndTime);
  const insertMs = at(rec.insertOffsetDays, rec.InsertTime) ?? beginMs ?? nowMs;
  const expired = rec.Status === 1 && endMs !== undefined && endMs <= nowMs;
  const status = expired ? 3 : rec.Status;
  const expiring = status === 1 && endMs !== undefined &&
    endMs - nowMs <= EXPIRING_WITHIN_DAYS * DAY_MS;
  return { rec, beginMs, endMs, insertMs, status, expiring };
}

/** The documented `Certificates` structure of one certificate. */
function view(c: Resolved): Record<string, unknown> {
  const r = c.rec;
  const issued = c.beginMs !== undefined;
  const months = c.beginMs !== undefined && c.endMs !== undefined
    ? String(Math.round((c.endMs - c.beginMs) / (30 * DAY_MS)))
    : "12";
  return {
    OwnerUin: "100000000001",
    ProjectId: String(r.ProjectId),
    From: r.From,
    PackageType: r.PackageType,
    CertificateType: r.CertificateType,
    ProductZhName: r.ProductZhName,
    Domain: r.Domain,
    Alias: r.Alias,
    Status: c.status,
    CertificateExtra: {
      DomainNumber: String(Math.max(1, r.SubjectAltName.length)),
      OriginCertificateId: "",
      ReplacedBy: "",
      ReplacedFor: "",
      RenewOrder: "",
      SMCert: r.IsSM ? 1 : 0,
      CompanyType: 0,
    },
    VulnerabilityStatus: "INACTIVE",
    StatusMsg: c.status === 2 ? "DOMAIN_VALIDATION_FAILED" : "",
    VerifyType: r.From === "upload" ? "" : "DNS",
    CertBeginTime: c.beginMs === undefined ? "" : formatTime(c.beginMs),
    CertEndTime: c.endMs === undefined ? "" : formatTime(c.endMs),
    ValidityPeriod: months,
    InsertTime: formatTime(c.insertMs),
    CertificateId: r.CertificateId,
    SubjectAltName: [...r.SubjectAltName],
    PackageTypeName: r.ProductZhName,
    StatusName: STATUS_NAMES[c.status] ?? "",
    IsVip: r.IsVip,
    IsDv: r.IsDv,
    IsWildcard: r.Domain.startsWith("*."),
    IsVulnerability: false,
    RenewAble: r.RenewAble,
    ProjectInfo: {
      ProjectName: r.ProjectId === 0 ? "默认项目" : `project-${r.ProjectId}`,
      ProjectCreatorUin: 100000000001,
      ProjectCreateTime: "2024-01-01 00:00:00",
      ProjectResume: "",
      OwnerUin: 100000000001,
      ProjectId: String(r.ProjectId),
    },
    BoundResource: [...r.BoundResource],
    Deployable: r.Deployable,
    Tags: r.Tags.map((t) => ({ ...t })),
    IsIgnore: false,
    IsSM: r.IsSM,
    EncryptAlgorithm: r.EncryptAlgorithm,
    CAEncryptAlgorithms: r.CertificateType === "CA" ? [r.EncryptAlgorithm] : [],
    CAEndTimes: r.CertificateType === "CA" && c.endMs !== undefined ? [formatTime(c.endMs)] : [],
    CACommonNames: r.CertificateType === "CA" ? [r.Domain] : [],
    AutoRenewFlag: 0,
    HostingStatus: 0,
    HostingCompleteTime: "",
    HostingRenewCertId: "",
    HasRenewOrder: "",
    ReplaceOriCertIsDelete: false,
    IsExpiring: c.expiring,
    DVAuthDeadline: "",
    ValidationPassedTime: issued && c.beginMs !== undefined ? formatTime(c.beginMs) : "",
    CertSANs: [...r.SubjectAltName],
    AwaitingValidationMsg: "",
    AllowDownload: issued,
    IsDNSPODResolve: false,
    IsPackage: false,
    KeyPasswordCustomFlag: false,
    SupportDownloadType: {
      NGINX: issued,
      APACHE: issued,
      TOMCAT: issued,
      IIS: issued,
      JKS: issued,
      OTHER: issued,
      ROOT: issued,
    },
  };
}

/** `DescribeCertificates`: filter, sort and page the certificates. */
function describeCertificates(state: SslState, params: Record<string, unknown>, ctx: CallContext) {
  const offset = intParam(params, "Offset") ?? 0;
  const limit = intParam(params, "Limit") ?? 10;
  checkWindow({ offset, limit, maxLimit: 1000, code: "FailedOperation.InvalidParam" });
  const type = strParam(params, "CertificateType");
  if (type !== undefined && type !== "" && type !== "CA" && type !== "SVR") {
    throw invalid(`CertificateType must be CA or SVR: got ${type}`);
  }
  const sort = strParam(params, "ExpirationSort");
  if (sort !== undefined && sort !== "" && sort !== "ASC" && sort !== "DESC") {
    throw invalid(`ExpirationSort must be ASC or DESC: got ${sort}`);
  }
  const source = strParam(params, "FilterSource");
  if (source !== undefined && source !== "" && source !== "upload" && source !== "buy") {
    throw invalid(`FilterSource must be upload or buy: got ${source}`);
  }
  const rawStatuses = params["CertificateStatus"];
  const statuses = rawStatuses === undefined || rawStatuses === null
    ? undefined
    : (Array.isArray(rawStatuses) ? rawStatuses : [rawStatuses]).map(Number);
  const rawIds = params["CertIds"];
  const ids = Array.isArray(rawIds) ? rawIds.map(String) : undefined;
  const rawTags = params["Tags"];
  const tags = Array.isArray(rawTags)
    ? rawTags as Array<{ TagKey?: unknown; TagValue?: unknown }>
    : [];
  const search = strParam(params, "SearchKey")?.toLowerCase() ?? "";
  const projectId = intParam(params, "ProjectId");
  const deployable = flagParam(params, "Deployable");
  const hostable = flagParam(params, "Hostable");
  const upload = flagParam(params, "Upload");
  const renew = flagParam(params, "Renew");
  const isSm = flagParam(params, "IsSM");
  const expiring = flagParam(params, "FilterExpiring");
  const pending = flagParam(params, "IsPendingIssue");
  const serviceId = strParam(params, "ServiceId");

  const nowMs = ctx.now();
  state.anchorMs ??= nowMs;
  const anchorMs = state.anchorMs;
  const found = state.certificates.map((r) => resolve(r, anchorMs, nowMs)).filter((c) => {
    const r = c.rec;
    const text = [r.CertificateId, r.Alias, r.Domain, ...r.SubjectAltName].map((x) =>
      x.toLowerCase()
    );
    return (search === "" || text.some((x) => x.includes(search))) &&
      (type === undefined || type === "" || r.CertificateType === type) &&
      (projectId === undefined || r.ProjectId === projectId) &&
      (statuses === undefined || statuses.length === 0 || statuses.includes(c.status)) &&
      (deployable === undefined || r.Deployable === (deployable === 1)) &&
      (hostable === undefined || r.Hostable === (hostable === 1)) &&
      (upload !== 1 || r.From === "upload") &&
      (renew !== 1 || r.RenewAble) &&
      (source === undefined || source === "" || (r.From === "upload") === (source === "upload")) &&
      (isSm !== 1 || r.IsSM) &&
      (expiring !== 1 || c.expiring) &&
      (pending !== 1 || PENDING_ISSUE.includes(c.status)) &&
      (ids === undefined || ids.length === 0 || ids.includes(r.CertificateId)) &&
      (serviceId === undefined || serviceId === "") &&
      tags.every((t) => r.Tags.some((x) => x.TagKey === t.TagKey && x.TagValue === t.TagValue));
  });
  if (sort === "ASC" || sort === "DESC") {
    const sign = sort === "ASC" ? 1 : -1;
    found.sort((a, b) => {
      if (a.endMs === undefined || b.endMs === undefined) {
        return (a.endMs === undefined ? 1 : 0) - (b.endMs === undefined ? 1 : 0);
      }
      return sign * (a.endMs - b.endMs);
    });
  } else {
    found.sort((a, b) => b.insertMs - a.insertMs);
  }
  return { TotalCount: found.length, Certificates: found.slice(offset, offset + limit).map(view) };
}

function toState(data: unknown): SslState {
  const list = (data as { certificates?: unknown } | null)?.certificates;
  if (typeof data !== "object" || data === null || !Array.isArray(list)) {
    throw new TypeError("ssl data must be { certificates: [...] } (as returned by snapshot())");
  }
  const anchor = (data as { anchorMs?: unknown }).anchorMs;
  if (anchor !== undefined && typeof anchor !== "number") {
    throw new TypeError("ssl data: anchorMs must be a number");
  }
  const state: SslState = { certificates: structuredClone(list) as CertRec[] };
  if (anchor !== undefined) state.anchorMs = anchor;
  return state;
}

/**
 * Creates the emulated SSL certificate service with the built-in demo certificates.
 *
 * @example
 * ```ts
 * const ssl = createSslEmulator();
 * ssl.version; // "2019-12-05"
 * ```
 */
export function createSslEmulator(): ServiceEmulator {
  let state = demoSslState();
  return {
    service: "ssl",
    version: "2019-12-05",
    actions: {
      DescribeCertificates: (params, ctx) => describeCertificates(state, params, ctx),
    },
    snapshot: () => structuredClone(state),
    load(data) {
      state = data === undefined ? demoSslState() : toState(data);
    },
  };
}

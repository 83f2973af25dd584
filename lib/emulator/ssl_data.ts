/**
 * State shape and built-in demo data of the emulated SSL certificate service (ssl 2019-12-05).
 *
 * A certificate's validity is either absolute (`CertBeginTime`/`CertEndTime`, `YYYY-MM-DD
 * HH:MM:SS` in UTC) or relative (`beginOffsetDays`/`endOffsetDays`) to the state's `anchorMs`,
 * which is set from the emulator clock on the first call after a load. So the demo data always
 * has certificates expiring within 30 days of when it is first used, and they do expire as the
 * clock moves on. Offsets win when both are given.
 *
 * @module
 */

/** A `{TagKey, TagValue}` tag of a certificate. */
export interface CertTag {
  TagKey: string;
  TagValue: string;
}

/** One certificate as kept in the state (plain JSON). */
export interface CertRec {
  CertificateId: string;
  Alias: string;
  /** Main domain (common name). */
  Domain: string;
  SubjectAltName: string[];
  /** `SVR` server certificate or `CA` client CA certificate. */
  CertificateType: "SVR" | "CA";
  /** Documented status code (0 reviewing, 1 issued, 2 failed, 3 expired, 4 DNS added, …). */
  Status: number;
  /** `upload` for uploaded certificates, else the CA brand (`trustasia`, `digicert`…). */
  From: string;
  PackageType: string;
  ProductZhName: string;
  ProjectId: number;
  EncryptAlgorithm: string;
  IsDv: boolean;
  IsVip: boolean;
  IsSM: boolean;
  RenewAble: boolean;
  Deployable: boolean;
  /** Whether the certificate can be hosted (auto-replaced on renewal). */
  Hostable: boolean;
  BoundResource: string[];
  Tags: CertTag[];
  CertBeginTime?: string;
  CertEndTime?: string;
  InsertTime?: string;
  beginOffsetDays?: number;
  endOffsetDays?: number;
  insertOffsetDays?: number;
}

/** The whole SSL state. */
export interface SslState {
  /** Epoch ms the day offsets count from; set on first use when absent. */
  anchorMs?: number;
  certificates: CertRec[];
}

type Base = Omit<CertRec, "CertificateId" | "Alias" | "Domain" | "SubjectAltName" | "Status">;

const DV: Base = {
  CertificateType: "SVR",
  From: "trustasia",
  PackageType: "83",
  ProductZhName: "TrustAsia TLS RSA CA",
  ProjectId: 0,
  EncryptAlgorithm: "RSA 2048",
  IsDv: true,
  IsVip: false,
  IsSM: false,
  RenewAble: false,
  Deployable: true,
  Hostable: true,
  BoundResource: [],
  Tags: [],
};

function cert(
  id: string,
  alias: string,
  domain: string,
  status: number,
  days: { begin?: number; end?: number; insert?: number },
  extra: Partial<Base> & { SubjectAltName?: string[] } = {},
): CertRec {
  const rec: CertRec = {
    ...structuredClone(DV),
    ...extra,
    CertificateId: id,
    Alias: alias,
    Domain: domain,
    SubjectAltName: extra.SubjectAltName ?? [domain],
    Status: status,
    insertOffsetDays: days.insert ?? days.begin ?? -1,
  };
  if (days.begin !== undefined) rec.beginOffsetDays = days.begin;
  if (days.end !== undefined) rec.endOffsetDays = days.end;
  return rec;
}

/**
 * The built-in demo certificates: issued ones far from expiry, some expiring within 30 days
 * (`api.example.com` in 12 days, `*.example.com` in 25, an uploaded one in 5), expired ones,
 * pending, failed, revoked and cancelled ones, a client CA and an SM (国密) certificate.
 */
export function demoSslState(): SslState {
  return {
    certificates: [
      cert("Kq3Xm9Vb", "shop", "shop.example.com", 1, { begin: -165, end: 200 }, {
        SubjectAltName: ["shop.example.com", "www.shop.example.com"],
        BoundResource: ["clb"],
      }),
      cert("Ap7Lw2Ec", "api", "api.example.com", 1, { begin: -353, end: 12 }, {
        BoundResource: ["apigateway", "clb"],
        RenewAble: true,
      }),
      cert("Wc5Zt8Hn", "wildcard", "*.example.com", 1, { begin: -340, end: 25 }, {
        SubjectAltName: ["*.example.com", "example.com"],
        From: "digicert",
        PackageType: "2",
        ProductZhName: "GeoTrust OV 通配符",
        IsDv: false,
        IsVip: true,
        RenewAble: true,
        BoundResource: ["cdn"],
        Tags: [{ TagKey: "env", TagValue: "prod" }],
      }),
      cert("Up4Rd6Ks", "uploaded-edge", "edge.example.com", 1, { begin: -360, end: 5 }, {
        From: "upload",
        PackageType: "",
        ProductZhName: "",
        IsDv: false,
        Tags: [{ TagKey: "env", TagValue: "prod" }, { TagKey: "team", TagValue: "edge" }],
      }),
      cert("Ol2Dx7Qp", "old", "old.example.com", 3, { begin: -375, end: -10 }, {
        Deployable: false,
        Hostable: false,
        RenewAble: true,
      }),
      cert("Lg9Cy3Vm", "legacy", "legacy.example.org", 3, { begin: -455, end: -90 }, {
        Deployable: false,
        Hostable: false,
      }),
      cert("Pd1Nq5Zr", "pending", "pending.example.com", 0, { insert: -1 }, {
        Deployable: false,
        Hostable: false,
      }),
      cert("Dn8Sf2Lk", "dns-added", "dns.example.com", 4, { insert: -2 }, {
        Deployable: false,
        Hostable: false,
      }),
      cert("Fa6Mv1Tw", "failed", "failed.example.net", 2, { insert: -20 }, {
        Deployable: false,
        Hostable: false,
      }),
      cert("Rv3Jb7Xe", "revoked", "revoked.example.com", 10, { begin: -100, end: 265 }, {
        Deployable: false,
        Hostable: false,
      }),
      cert("Cx0Gh4Uy", "cancelled", "cancelled.example.com", 7, { insert: -30 }, {
        Deployable: false,
        Hostable: false,
      }),
      cert("Ca5Ei9Ob", "mtls-client-ca", "Example Client CA", 1, { begin: -30, end: 3620 }, {
        CertificateType: "CA",
        From: "upload",
        PackageType: "",
        ProductZhName: "",
        IsDv: false,
        Deployable: false,
        Hostable: false,
        SubjectAltName: [],
      }),
      cert("Sm2Wq8Pf", "sm-cert", "sm.example.cn", 1, { begin: -65, end: 300 }, {
        From: "cfca",
        PackageType: "37",
        ProductZhName: "CFCA 国密 OV",
        EncryptAlgorithm: "SM2",
        IsDv: false,
        IsSM: true,
      }),
      cert("Ww7Tz1Rb", "www", "www.example.com", 1, { begin: -305, end: 60 }, {
        ProjectId: 1001,
        Tags: [{ TagKey: "team", TagValue: "web" }],
      }),
    ],
  };
}

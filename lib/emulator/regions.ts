/**
 * The regions Tencent Cloud's API answers for (public cloud and finance zones, as
 * `cvm.DescribeRegions` lists them). A request naming another region is answered
 * `UnsupportedRegion`, as the real API does.
 *
 * @module
 */

/** Every region a request may name. */
export const TENCENT_REGIONS: ReadonlySet<string> = new Set([
  "ap-bangkok",
  "ap-beijing",
  "ap-beijing-fsi",
  "ap-chengdu",
  "ap-chongqing",
  "ap-guangzhou",
  "ap-guangzhou-open",
  "ap-hongkong",
  "ap-jakarta",
  "ap-mumbai",
  "ap-nanjing",
  "ap-seoul",
  "ap-shanghai",
  "ap-shanghai-adc",
  "ap-shanghai-fsi",
  "ap-shenzhen",
  "ap-shenzhen-fsi",
  "ap-singapore",
  "ap-taipei",
  "ap-tianjin",
  "ap-tokyo",
  "eu-frankfurt",
  "eu-moscow",
  "me-saudi-arabia",
  "na-ashburn",
  "na-siliconvalley",
  "na-toronto",
  "sa-saopaulo",
]);

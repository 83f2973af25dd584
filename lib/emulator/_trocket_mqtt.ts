/**
 * Private: the MQTT actions of the emulated trocket service (2023-03-08, from the seed):
 * MQTT instances, their topics and users, and the product SKUs. Messages, certificates,
 * clients and endpoints are answered by the generic emulator (`generic.ts`).
 *
 * @module
 */
import { clone, filters, fuzzy, oneOf, page, stringParam } from "./_list.ts";
import { bool, checkName, type Params, str, type TrocketStore } from "./_trocket_store.ts";
import { ApiError, type CallContext, type ServiceEmulator } from "./service.ts";
import type { MqttInstanceState, MqttTopicState } from "./trocket_data.ts";

/** What `DescribeMQTTProductSKUList` offers; `CreateMQTTInstance` takes these SkuCodes. */
const SKUS = [
  { InstanceType: "BASIC", SkuCode: "basic_2k", TpsLimit: 2000, TopicNumLimit: 100 },
  { InstanceType: "BASIC", SkuCode: "basic_4k", TpsLimit: 4000, TopicNumLimit: 200 },
  { InstanceType: "PRO", SkuCode: "pro_4k", TpsLimit: 4000, TopicNumLimit: 300 },
  { InstanceType: "PRO", SkuCode: "pro_10k", TpsLimit: 10000, TopicNumLimit: 1000 },
].map((sku) => ({
  ...sku,
  OnSale: true,
  ClientNumLimit: sku.TpsLimit * 5,
  SubscriptionNumLimit: sku.TpsLimit * 5,
  ProxySpecCore: 2,
  ProxySpecMemory: 4,
  ProxySpecCount: 2,
}));

/** The MQTT actions, over the store's `mqttInstances`. */
export function mqttActions(store: TrocketStore): ServiceEmulator["actions"] {
  const instances = () => store.state.mqttInstances;

  function findInstance(params: Params, ctx: CallContext): MqttInstanceState {
    const id = stringParam(params, "InstanceId");
    const found = instances().find((i) => i.InstanceId === id && store.inRegion(i.Region, ctx));
    if (found === undefined) {
      throw new ApiError(
        "ResourceNotFound.Instance",
        `The MQTT instance \`${id}\` does not exist in region ${ctx.region || "(none)"}.`,
      );
    }
    return found;
  }

  function findTopic(instance: MqttInstanceState, name: string): MqttTopicState {
    const found = instance.topics.find((t) => t.Topic === name);
    if (found === undefined) {
      throw new ApiError(
        "ResourceNotFound.Topic",
        `The MQTT topic \`${name}\` does not exist on instance ${instance.InstanceId}.`,
      );
    }
    return found;
  }

  function findUser(instance: MqttInstanceState, name: string) {
    const found = instance.users.find((u) => u.Username === name);
    if (found === undefined) {
      throw new ApiError(
        "ResourceNotFound.Role",
        `The MQTT user \`${name}\` does not exist on instance ${instance.InstanceId}.`,
      );
    }
    return found;
  }

  const instanceItem = (i: MqttInstanceState) => ({
    InstanceId: i.InstanceId,
    InstanceName: i.InstanceName,
    Version: "5.x",
    InstanceType: i.InstanceType,
    InstanceStatus: i.InstanceStatus,
    TopicNumLimit: i.TopicNumLimit,
    Remark: i.Remark,
    TopicNum: i.topics.length,
    SkuCode: i.SkuCode,
    TpsLimit: i.TpsLimit,
    CreateTime: i.CreateTime,
    SubscriptionNumLimit: i.SubscriptionNumLimit,
    ClientNumLimit: i.ClientNumLimit,
  });

  return {
    DescribeMQTTProductSKUList() {
      return { TotalCount: SKUS.length, MQTTProductSkuList: clone(SKUS) };
    },
    CreateMQTTInstance(params, ctx) {
      const skuCode = stringParam(params, "SkuCode");
      const type = stringParam(params, "InstanceType");
      const sku = SKUS.find((s) => s.SkuCode === skuCode && s.InstanceType === type);
      if (sku === undefined) {
        throw new ApiError(
          "InvalidParameterValue",
          `No MQTT SKU ${type}/${skuCode}; DescribeMQTTProductSKUList lists them.`,
        );
      }
      const id = ctx.newId("mqtt-");
      instances().push({
        InstanceId: id,
        InstanceName: stringParam(params, "Name"),
        Region: ctx.region,
        InstanceType: type,
        SkuCode: skuCode,
        InstanceStatus: "RUNNING",
        Remark: str(params, "Remark", ""),
        TopicNumLimit: sku.TopicNumLimit,
        TpsLimit: sku.TpsLimit,
        SubscriptionNumLimit: sku.SubscriptionNumLimit,
        ClientNumLimit: sku.ClientNumLimit,
        CreateTime: ctx.now(),
        topics: [],
        users: [],
      });
      return { InstanceId: id };
    },
    DeleteMQTTInstance(params, ctx) {
      const instance = findInstance(params, ctx);
      store.state.mqttInstances = instances().filter((i) => i !== instance);
      return {};
    },
    ModifyMQTTInstance(params, ctx) {
      const instance = findInstance(params, ctx);
      instance.InstanceName = str(params, "Name", instance.InstanceName);
      instance.Remark = str(params, "Remark", instance.Remark);
      return {};
    },
    DescribeMQTTInstance(params, ctx) {
      const { Version: _version, ...item } = instanceItem(findInstance(params, ctx));
      return item;
    },
    DescribeMQTTInstanceList(params, ctx) {
      const f = filters(params, ["InstanceName", "InstanceId", "InstanceType", "InstanceStatus"]);
      const matches = instances().filter((i) =>
        store.inRegion(i.Region, ctx) && fuzzy(i.InstanceName, f.get("InstanceName")) &&
        oneOf(i.InstanceId, f.get("InstanceId")) && oneOf(i.InstanceType, f.get("InstanceType")) &&
        oneOf(i.InstanceStatus, f.get("InstanceStatus"))
      );
      const { TotalCount, page: items } = page(matches, params);
      return { TotalCount, Data: items.map(instanceItem) };
    },
    CreateMQTTTopic(params, ctx) {
      const instance = findInstance(params, ctx);
      const name = stringParam(params, "Topic");
      checkName("Topic", name);
      if (instance.topics.some((t) => t.Topic === name)) {
        throw new ApiError(
          "UnsupportedOperation.ResourceAlreadyExists",
          `The MQTT topic \`${name}\` already exists on instance ${instance.InstanceId}.`,
        );
      }
      if (instance.topics.length >= instance.TopicNumLimit) {
        throw new ApiError(
          "LimitExceeded.TopicNum",
          `Instance ${instance.InstanceId} already has its limit of ${instance.TopicNumLimit} topics.`,
        );
      }
      instance.topics.push({
        Topic: name,
        Remark: str(params, "Remark", ""),
        CreateTime: ctx.now(),
      });
      return { InstanceId: instance.InstanceId, Topic: name };
    },
    DeleteMQTTTopic(params, ctx) {
      const instance = findInstance(params, ctx);
      const topic = findTopic(instance, stringParam(params, "Topic"));
      instance.topics = instance.topics.filter((t) => t !== topic);
      return {};
    },
    ModifyMQTTTopic(params, ctx) {
      const topic = findTopic(findInstance(params, ctx), stringParam(params, "Topic"));
      topic.Remark = str(params, "Remark", topic.Remark);
      return {};
    },
    DescribeMQTTTopic(params, ctx) {
      const instance = findInstance(params, ctx);
      const topic = findTopic(instance, stringParam(params, "Topic"));
      return { InstanceId: instance.InstanceId, ...clone(topic) };
    },
    DescribeMQTTTopicList(params, ctx) {
      const instance = findInstance(params, ctx);
      const f = filters(params, ["TopicName"]);
      const matches = instance.topics.filter((t) => fuzzy(t.Topic, f.get("TopicName")));
      const { TotalCount, page: items } = page(matches, params);
      return {
        TotalCount,
        Data: items.map((t) => ({
          InstanceId: instance.InstanceId,
          Topic: t.Topic,
          Remark: t.Remark,
        })),
      };
    },
    CreateMQTTUser(params, ctx) {
      const instance = findInstance(params, ctx);
      const name = stringParam(params, "Username");
      checkName("Username", name);
      if (instance.users.some((u) => u.Username === name)) {
        throw new ApiError(
          "UnsupportedOperation.ResourceAlreadyExists",
          `The MQTT user \`${name}\` already exists on instance ${instance.InstanceId}.`,
        );
      }
      const now = ctx.now();
      instance.users.push({
        Username: name,
        Password: str(params, "Password", ctx.newId("pw")),
        PermRead: bool(params, "PermRead", false),
        PermWrite: bool(params, "PermWrite", false),
        Remark: str(params, "Remark", ""),
        CreatedTime: now,
        ModifiedTime: now,
      });
      return {};
    },
    ModifyMQTTUser(params, ctx) {
      const user = findUser(findInstance(params, ctx), stringParam(params, "Username"));
      user.PermRead = bool(params, "PermRead", user.PermRead);
      user.PermWrite = bool(params, "PermWrite", user.PermWrite);
      user.Remark = str(params, "Remark", user.Remark);
      user.ModifiedTime = ctx.now();
      return {};
    },
    DeleteMQTTUser(params, ctx) {
      const instance = findInstance(params, ctx);
      const user = findUser(instance, stringParam(params, "Username"));
      instance.users = instance.users.filter((u) => u !== user);
      return {};
    },
    DescribeMQTTUserList(params, ctx) {
      const instance = findInstance(params, ctx);
      const f = filters(params, ["Username"]);
      const matches = instance.users.filter((u) => fuzzy(u.Username, f.get("Username")));
      const { TotalCount, page: items } = page(matches, params);
      return { TotalCount, Data: clone(items) };
    },
  };
}

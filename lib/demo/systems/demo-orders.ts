/**
 * The Northwind orders the demo's systems start with, shared by the order service and the carrier
 * (each keeps its own copy and changes it). ord_1193 is the midnight story's parcel: Maya
 * (cus_8841) moved, and it is on its way to her old address.
 */

export interface Address {
  line1: string;
  line2?: string;
  city: string;
  postcode: string;
  country: string;
}

export interface OrderLine {
  sku: string;
  name: string;
  quantity: number;
  unit_price: string;
}

export type OrderStatus = "processing" | "shipped" | "delivered" | "cancelled";

export interface DemoOrder {
  id: string;
  customerId: string;
  placedAt: string;
  status: Exclude<OrderStatus, "cancelled">;
  lines: OrderLine[];
  total: string;
  currency: string;
  shipTo: Address;
  /** The carrier's tracking number, once a label exists. */
  tracking: string | null;
}

const mayaOld: Address = { line1: "212 Alder Street", line2: "Apt 4", city: "Portland", postcode: "97205", country: "US" };

export const DEMO_ORDERS: readonly DemoOrder[] = [
  {
    id: "ord_1193",
    customerId: "cus_8841",
    placedAt: "2026-11-18T21:04:00Z",
    status: "shipped",
    lines: [
      { sku: "NW-JKT-RAIN-M", name: "Rain shell jacket (M)", quantity: 1, unit_price: "129.00" },
      { sku: "NW-SOCK-WOOL-3", name: "Wool hiking socks, 3 pairs", quantity: 1, unit_price: "24.00" },
    ],
    total: "165.50",
    currency: "USD",
    shipTo: mayaOld,
    tracking: "1Z-NW-55210193",
  },
  {
    id: "ord_1187",
    customerId: "cus_8841",
    placedAt: "2026-10-02T09:12:00Z",
    status: "delivered",
    lines: [{ sku: "NW-CAP-TRAIL", name: "Trail cap", quantity: 1, unit_price: "22.00" }],
    total: "34.50",
    currency: "USD",
    shipTo: mayaOld,
    tracking: "1Z-NW-55210187",
  },
  {
    id: "ord_1201",
    customerId: "cus_3310",
    placedAt: "2026-11-20T14:40:00Z",
    status: "processing",
    lines: [{ sku: "NW-BOOT-HIKE-42", name: "Hiking boots (42)", quantity: 1, unit_price: "189.00" }],
    total: "189.00",
    currency: "USD",
    shipTo: { line1: "9 Ferry Road", city: "Seattle", postcode: "98101", country: "US" },
    tracking: null,
  },
  {
    id: "ord_1202",
    customerId: "cus_5527",
    placedAt: "2026-11-20T16:05:00Z",
    status: "processing",
    lines: [{ sku: "NW-TENT-2P", name: "Two-person tent", quantity: 1, unit_price: "249.00" }],
    total: "249.00",
    currency: "USD",
    shipTo: { line1: "480 Pine Avenue", city: "Boise", postcode: "83702", country: "US" },
    tracking: null,
  },
  {
    id: "ord_1204",
    customerId: "cus_3310",
    placedAt: "2026-11-19T11:30:00Z",
    status: "shipped",
    lines: [{ sku: "NW-BOTTLE-1L", name: "Insulated bottle 1 l", quantity: 2, unit_price: "32.00" }],
    total: "76.50",
    currency: "USD",
    shipTo: { line1: "9 Ferry Road", city: "Seattle", postcode: "98101", country: "US" },
    tracking: "1Z-NW-55210204",
  },
  {
    id: "ord_1207",
    customerId: "cus_6120",
    placedAt: "2026-11-21T08:15:00Z",
    status: "processing",
    lines: [{ sku: "NW-PACK-30L", name: "Daypack 30 l", quantity: 1, unit_price: "98.00" }],
    total: "110.50",
    currency: "USD",
    shipTo: { line1: "77 Canal Street", line2: "Unit 12", city: "Spokane", postcode: "99201", country: "US" },
    tracking: null,
  },
  {
    id: "ord_1210",
    customerId: "cus_7702",
    placedAt: "2026-11-21T10:50:00Z",
    status: "shipped",
    lines: [{ sku: "NW-JKT-DOWN-L", name: "Down jacket (L)", quantity: 1, unit_price: "219.00" }],
    total: "231.50",
    currency: "USD",
    shipTo: { line1: "3 Orchard Way", city: "Eugene", postcode: "97401", country: "US" },
    tracking: "1Z-NW-55210210",
  },
];

// A check of the check: each line below must be refused by tsc (an unused @ts-expect-error is an
// error itself), so API types that silently became `any` fail `make lint-web`. Never loaded by a page.
import { get, post } from "../../services/gateway/web/js/api.js";

export async function refused() {
  // @ts-expect-error the gateway serves no such path
  await get("/api/partner/nothing-here");
  // @ts-expect-error GET only: the company is changed with PUT
  await post("/api/partner/company", {});
  const company = await get("/api/partner/company");
  // @ts-expect-error the company answer has no such field
  company.nickname;
  const customer = await get(`/api/partner/customers/${company.partner_id}/audit`);
  // @ts-expect-error the most specific path wins: this is the audit page, not the customer
  customer.domain;
  // @ts-expect-error a query parameter the path does not take
  await get("/api/partner/customers", { colour: "red" });
}

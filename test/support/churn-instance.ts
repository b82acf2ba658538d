/** A customer tabular-rest's model predicts to churn: the request body's `instance`. */
export const CHURN_INSTANCE = {
  tenure_months: 3,
  monthly_charges: 110.5,
  support_calls: 5,
  contract: 'monthly',
  paperless_billing: true,
};

// price_band(price): a scalar function — which band a price falls in ('low', 'mid', 'high'); NULL stays NULL.
export default {
  returns: 'STRING',
  params: ['BIGINT'],
  eval(price) {
    if (price === null) return null;
    return price < 100 ? 'low' : price < 1000 ? 'mid' : 'high';
  },
};

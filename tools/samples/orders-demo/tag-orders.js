// preSavePage (docs/scripts.md): runs once per page, after the transformation and the filter.
function preSavePage(options) {
  const data = options.data.map(order => ({...order, large: order.total >= 1000}));
  console.log(`page ${options.pageIndex}: ${data.length} open orders`);
  return {data, errors: [], abort: false};
}

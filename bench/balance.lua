-- POST wallets/get_balance by wallet number, with the token bench/run.sh
-- got at login (TOKEN).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"token":"' .. os.getenv("TOKEN") .. '","wallet_identifier":{"number":"W0000000682"}}'
wrk.path = "/crmapi/rest/v2/wallets/get_balance"

-- POST access_tokens/show by authentication code, with the token bench/run.sh
-- got at login (TOKEN). The ceiling answers the same request.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"token":"' .. os.getenv("TOKEN") .. '","access_token_identifier":'
  .. '{"authentication_code":"CCD4537CA4AD4EE8912FFBAE53110601"}}'
wrk.path = "/crmapi/rest/v2/access_tokens/show"

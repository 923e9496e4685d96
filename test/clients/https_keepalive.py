# Python's http.client (what pywinrm's requests uses) on kept-alive HTTPS connections: each thread
# sends optimized Enumerates one after another over its own connection and counts the outcomes.
# Usage: https_keepalive.py HOST PORT USER PASSWORD THREADS REQUESTS MAXELEMENTS; prints JSON.
import base64, http.client, json, ssl, sys, threading

host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
threads, requests, max_elements = int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
auth = 'Basic ' + base64.b64encode(f'{user}:{password}'.encode()).decode()
body = ('<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
        'xmlns:wsman="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" xmlns:wsen="http://schemas.xmlsoap.org/ws/2004/09/enumeration"><s:Header>'
        '<wsa:To>https://host/wsman</wsa:To><wsman:ResourceURI>http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ComputerSystem</wsman:ResourceURI>'
        '<wsa:Action>http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate</wsa:Action><wsa:MessageID>uuid:1</wsa:MessageID>'
        '<wsa:ReplyTo><wsa:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:Address></wsa:ReplyTo></s:Header>'
        f'<s:Body><wsen:Enumerate><wsman:OptimizeEnumeration/><wsman:MaxElements>{max_elements}</wsman:MaxElements></wsen:Enumerate></s:Body></s:Envelope>').encode()
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
outcomes = []
lock = threading.Lock()

def work():
    conn = http.client.HTTPSConnection(host, port, context=context, timeout=30)
    for _ in range(requests):
        try:
            conn.request('POST', '/wsman', body, {'Content-Type': 'application/soap+xml;charset=UTF-8', 'Authorization': auth})
            r = conn.getresponse()
            data = r.read()
            outcome = f'{r.status} {len(data) > 100000}'
        except Exception as e:  # a dropped connection: count it, then go on with a new one
            outcome = type(e).__name__
            conn.close()
            conn = http.client.HTTPSConnection(host, port, context=context, timeout=30)
        with lock:
            outcomes.append(outcome)
    conn.close()

ts = [threading.Thread(target=work) for _ in range(threads)]
for t in ts: t.start()
for t in ts: t.join()
counts = {}
for o in outcomes: counts[o] = counts.get(o, 0) + 1
print(json.dumps(counts))

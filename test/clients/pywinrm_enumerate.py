"""Enumerate a ResourceURI through pywinrm's own Basic-auth transport, then Pull until the end.

Usage: pywinrm_enumerate.py ENDPOINT USER PASSWORD RESOURCE_URI [MAX_ELEMENTS]
Prints one JSON object: {"names": [...], "requests": N} or {"error": "...", "kind": "..."}.
"""
import json
import sys
import xml.etree.ElementTree as ET

import xmltodict
from winrm.exceptions import InvalidCredentialsError, WinRMError
from winrm.protocol import Protocol

WSEN = "http://schemas.xmlsoap.org/ws/2004/09/enumeration"
WSMAN = "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"


def main():
    endpoint, user, password, uri = sys.argv[1:5]
    max_elements = sys.argv[5] if len(sys.argv) > 5 else "2"
    p = Protocol(endpoint=endpoint, transport="basic", username=user, password=password, server_cert_validation="ignore")

    def send(action, body):
        env = p._get_soap_header(action=action, resource_uri=uri)
        env["env:Body"] = body
        return ET.fromstring(p.send_message(xmltodict.unparse({"env:Envelope": env})))

    names, requests = [], 0

    def collect(items):
        for inst in list(items) if items is not None else []:
            for child in inst:
                if child.tag.endswith("}Name"):
                    names.append(child.text)

    try:
        root = send("http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate",
                    {"n:Enumerate": {"w:OptimizeEnumeration": None, "w:MaxElements": max_elements}})
        requests += 1
        collect(root.find(".//{%s}Items" % WSMAN))
        ctx = root.find(".//{%s}EnumerationContext" % WSEN)
        done = root.find(".//{%s}EndOfSequence" % WSMAN) is not None
        while not done and ctx is not None and ctx.text:
            root = send("http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull",
                        {"n:Pull": {"n:EnumerationContext": ctx.text, "n:MaxElements": max_elements}})
            requests += 1
            collect(root.find(".//{%s}Items" % WSEN))
            ctx = root.find(".//{%s}EnumerationContext" % WSEN)
            done = root.find(".//{%s}EndOfSequence" % WSEN) is not None
        print(json.dumps({"names": names, "requests": requests}))
    except InvalidCredentialsError as e:
        print(json.dumps({"error": str(e), "kind": "InvalidCredentialsError"}))
    except WinRMError as e:
        print(json.dumps({"error": str(e), "kind": "WinRMError"}))


if __name__ == "__main__":
    main()

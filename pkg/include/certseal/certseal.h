/* SPDX-License-Identifier: ISC */
/*
 * certseal/certseal.h - libcertseal, everything at once.
 *
 * libcertseal signs and verifies ISO management-system certificates as
 * compact tokens: an accreditation body signs an accreditation credential
 * for a certification body's key; the certification body signs a
 * certificate token with that credential embedded; anyone verifies it
 * offline with the accreditation body's public key.  See libcertseal(3).
 */
#ifndef CERTSEAL_CERTSEAL_H
#define CERTSEAL_CERTSEAL_H

#include "certseal/base32.h"
#include "certseal/base45.h"
#include "certseal/batch.h"
#include "certseal/catalog.h"
#include "certseal/claims.h"
#include "certseal/cose.h"
#include "certseal/date.h"
#include "certseal/document.h"
#include "certseal/error.h"
#include "certseal/fetch.h"
#include "certseal/file.h"
#include "certseal/http.h"
#include "certseal/image.h"
#include "certseal/issue.h"
#include "certseal/issue_batch.h"
#include "certseal/key.h"
#include "certseal/pdf.h"
#include "certseal/pkcs11.h"
#include "certseal/qr.h"
#include "certseal/receipt.h"
#include "certseal/record.h"
#include "certseal/registry.h"
#include "certseal/report.h"
#include "certseal/report_registry.h"
#include "certseal/report_scan.h"
#include "certseal/report_status.h"
#include "certseal/scan.h"
#include "certseal/status.h"
#include "certseal/text.h"
#include "certseal/token.h"
#include "certseal/trust.h"
#include "certseal/trustlist.h"
#include "certseal/verify.h"
#include "certseal/watch.h"

#define CERTSEAL_VERSION "0.1.0"

#endif

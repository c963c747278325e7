# Reference values of iectox.stats.meta (tests/test_stats_meta.py), base R 4.2.2 only: R's meta and metafor
# cannot be installed here, so their documented formulas are written out (metafor rma.uni's REML Fisher
# scoring, DerSimonian-Laird, escalc's OR/RD/MD, Greenland-Robins MH risk difference, mantelhaen.test).
options(digits = 17)
pool <- function(yi, vi) {
  w <- 1 / vi; k <- length(yi)
  fe <- sum(w * yi) / sum(w); se_fe <- sqrt(1 / sum(w))
  Q <- sum(w * (yi - fe)^2)
  tau2_dl <- max(0, (Q - (k - 1)) / (sum(w) - sum(w^2) / sum(w)))
  tau2 <- tau2_dl
  repeat {                                   # metafor rma.uni REML Fisher scoring
    W <- diag(1 / (vi + tau2), k); X <- matrix(1, k, 1)
    P <- W - W %*% X %*% solve(t(X) %*% W %*% X) %*% t(X) %*% W
    adj <- (crossprod(P %*% yi) - sum(diag(P))) / sum(P * t(P))
    while (tau2 + adj < 0) adj <- adj / 2
    tau2 <- tau2 + c(adj)
    if (abs(adj) <= 1e-10) break
  }
  s2 <- (k - 1) * sum(w) / (sum(w)^2 - sum(w^2))
  re <- function(t2) { ws <- 1 / (vi + t2); m <- sum(ws * yi) / sum(ws); s <- sqrt(1 / sum(ws))
    c(est = m, se = s, p = 2 * pnorm(-abs(m / s)), tau2 = t2, I2 = t2 / (t2 + s2)) }
  list(fe = c(est = fe, se = se_fe, p = 2 * pnorm(-abs(fe / se_fe))), Q = Q, Qp = pchisq(Q, k - 1, lower.tail = FALSE),
       dl = re(tau2_dl), reml = re(tau2))
}
# Four centres, events / size in cohort 1 (a, n1) and cohort 2 (c, n2); centre D has a zero cell.
a <- c(12, 30, 7, 0); n1 <- c(40, 95, 20, 15); cc <- c(5, 22, 9, 3); n2 <- c(38, 101, 25, 14)
b <- n1 - a; d <- n2 - cc
add <- ifelse(pmin(a, b, cc, d) == 0, 0.5, 0)
yi <- log(((a + add) * (d + add)) / ((b + add) * (cc + add))); vi <- 1/(a+add) + 1/(b+add) + 1/(cc+add) + 1/(d+add)
print(yi); print(vi); print(pool(yi, vi))
print(mantelhaen.test(array(rbind(a, b, cc, d), c(2, 2, 4)))[c("estimate", "conf.int")])
# risk difference
p1 <- a / n1; p2 <- cc / n2; yr <- p1 - p2; vr <- p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2
print(pool(yr, vr))
N <- n1 + n2; wmh <- sum(n1 * n2 / N); rd <- sum((a * n2 - cc * n1) / N) / wmh
vrd <- sum((a * b * n2^3 + cc * d * n1^3) / (n1 * n2 * N^2)) / wmh^2
print(c(rd_mh = rd, se = sqrt(vrd)))
# Homogeneous centres: tau2 0 by both methods.
print(pool(c(0.10, 0.12, 0.11), c(0.04, 0.05, 0.06)))
# Mean difference from means, SDs and n.
m1 <- c(62.1, 60.4, 65.0); s1 <- c(14.0, 13.2, 15.1); k1 <- c(120, 90, 60)
m2 <- c(58.0, 61.3, 57.2); s2 <- c(12.9, 14.4, 13.0); k2 <- c(30, 25, 12)
print(pool(m1 - m2, s1^2 / k1 + s2^2 / k2))
# The demo cohort split into three centres (tests/test_study_pooling.py): tocilizumab, standard of care vs
# trials, in the two centres that masked no cell (Lille 64/116 vs 9/18, Nantes 65/120 vs 5/13).
x <- array(c(64, 9, 52, 9, 65, 5, 55, 8), c(2, 2, 2))
print(mantelhaen.test(x)[c("statistic", "p.value", "estimate", "conf.int")])
a <- c(64, 65); n1 <- c(116, 120); cc <- c(9, 5); n2 <- c(18, 13); b <- n1 - a; d <- n2 - cc
print(pool(log(a * d / (b * cc)), 1/a + 1/b + 1/cc + 1/d))
print(pool(a / n1 - cc / n2, (a / n1) * (1 - a / n1) / n1 + (cc / n2) * (1 - cc / n2) / n2))
# One cohort's proportion pooled on the logit scale (escalc(measure = "PLO"), metaprop's logit): a, n1 above.
x <- c(12, 30, 7, 0); n <- c(40, 95, 20, 15); ad <- ifelse(x == 0 | x == n, 0.5, 0)
yp <- log((x + ad) / (n - x + ad)); vp <- 1 / (x + ad) + 1 / (n - x + ad)
r <- pool(yp, vp); print(r); print(plogis(c(r$fe["est"], r$dl["est"], r$reml["est"])))

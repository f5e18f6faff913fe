"""Medical treatment (救治), "treat first, settle later": one TreatmentWorkflow per hospital
episode, started by the case at any stage and as often as needed.

TreatmentWorkflow: introduction letter → admission → waits for the discharge callback
(escalating if the stay runs long) → tells the case → reviews and pays the hospital's
settlement vouchers (integer fen) → ends. It outlives the case if the bill comes later.
Signals: ``hospital_discharge``, ``settlement_voucher``. Updates: ``complete_task``.
Queries: ``state``.
"""

from __future__ import annotations

from temporalio import workflow
from temporalio.exceptions import FailureError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from domain.agencies import (
        ADMIT_TO_HOSPITAL,
        NOTIFY,
        PAY_HOSPITAL_SETTLEMENT,
        RECORD_SETTLEMENT,
        HospitalAdmission,
        HospitalAdmissionInput,
        HospitalPayment,
        HospitalPaymentInput,
        Notification,
        SettlementRecord,
    )
    from domain.callbacks import (
        SIGNAL_HOSPITAL_DISCHARGE,
        SIGNAL_SETTLEMENT_VOUCHER,
        DischargeOutcome,
        HospitalDischarge,
        SettlementVoucher,
    )
    from domain.child_flows import (
        SIGNAL_TREATMENT_DISCHARGED,
        TreatmentDischarged,
        TreatmentInput,
        TreatmentResult,
    )
    from domain.enums import Role, TaskKind
    from domain.tasks import Assignee, SettlementReviewPayload
    from workflows.case_runtime import PATCH_REMINDER_BACKOFF, PATCH_SETTLE_WHEN_QUIET, CaseRuntime
    from workflows.child_runtime import ChildRuntime
    from workflows.ids import treatment_case_ref, treatment_workflow_id
    from workflows.task_owner import TaskOwner


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}元"


@workflow.defn
class TreatmentWorkflow(TaskOwner):
    """One hospital episode of a case, from the introduction letter to the last payment."""

    @workflow.init
    def __init__(self, inp: TreatmentInput) -> None:
        self.inp = inp
        self.rt = ChildRuntime(case_id=inp.case_id, case_number=inp.case_number,
                               station_node_id=inp.station_node_id, policy=inp.policy,
                               stage="treatment", logic=inp.logic)
        self.case_ref = treatment_case_ref(inp.case_number, inp.episode)
        self.discharge: HospitalDischarge | None = None
        self.vouchers: list[SettlementVoucher] = []
        self._seen_callbacks: set[str] = set()
        self._seen_vouchers: set[str] = set()
        self.claimed_fen = 0
        self.paid_fen = 0

    @workflow.run
    async def run(self, inp: TreatmentInput) -> TreatmentResult:
        rt = self.rt
        rt._upsert_search_attributes()  # stage, node, overdue: found like a case
        letter_no = f"JZX{inp.case_number}-{inp.episode}"
        admission = await rt.call(
            ADMIT_TO_HOSPITAL,
            HospitalAdmissionInput(case_number=inp.case_number, case_ref=self.case_ref,
                                   admission_key=self.case_ref, introduction_letter_no=letter_no,
                                   patient_name=inp.patient_name, reason=inp.reason),
            HospitalAdmission)
        if admission is None:
            # Refused: the case is told at once and the station decides what to do instead.
            await rt.sync()
            await self._tell_case(TreatmentDischarged(
                episode=inp.episode, outcome=DischargeOutcome.NOT_ADMITTED, at=workflow.now(),
                admission_no=""))
            return TreatmentResult(admission_no=None, outcome=DischargeOutcome.NOT_ADMITTED)
        rt.event("hospital_admitted", f"开具救治介绍信{letter_no}，定点医院已收治（住院号{admission.admission_no}）",
                 agency="hospital", admission_no=admission.admission_no)
        await rt.sync()
        self.admitted_at = workflow.now()
        await self._wait_discharge(admission.admission_no)
        assert self.discharge is not None
        await self._tell_case(TreatmentDischarged(
            episode=inp.episode, outcome=self.discharge.outcome, at=self.discharge.discharged_at,
            admission_no=admission.admission_no))
        await self._settle(admission.admission_no)
        if self.rt.patched(PATCH_SETTLE_WHEN_QUIET):
            self.rt.busy = False  # the last review is answered as soon as the payment is made
        await workflow.wait_condition(workflow.all_handlers_finished)
        return TreatmentResult(admission_no=admission.admission_no, outcome=self.discharge.outcome,
                               claimed_fen=self.claimed_fen, paid_fen=self.paid_fen)

    async def _tell_case(self, discharged: TreatmentDischarged) -> None:
        """Signal the case; if it has closed meanwhile (death, departure), record it and go on
        with the settlement: the bill is paid whatever became of the case."""
        try:
            await workflow.get_external_workflow_handle(self.inp.parent_workflow_id).signal(
                SIGNAL_TREATMENT_DISCHARGED, discharged)
        except FailureError:
            self.rt.event("case_already_closed", "个案已办结，出院情况仅在本次救治中记录")
            await self.rt.sync()

    async def _wait_discharge(self, admission_no: str) -> None:
        """Wait for the discharge callback; a long stay is flagged to the station, not failed."""
        wait = self.inp.policy.discharge_wait
        while self.discharge is None:
            self.rt.busy = False
            try:
                await workflow.wait_condition(lambda: self.discharge is not None, timeout=wait)
            except TimeoutError:
                self.rt.busy = True
                policy = self.inp.policy
                if self.rt.patched(PATCH_REMINDER_BACKOFF):
                    wait = policy.reminder_after(workflow.now() - self.admitted_at - policy.discharge_wait)
                else:
                    wait = policy.escalation_repeat
                self.rt.event("treatment_long", f"住院时间超过期限，请救助站跟进（住院号{admission_no}）")
                await self.rt.store(NOTIFY, Notification(
                    notification_id=str(workflow.uuid4()), node_id=self.inp.station_node_id,
                    role=Role.CASEWORKER, case_id=self.inp.case_id,
                    message=f"个案{self.inp.case_number}住院超过期限，请跟进"))
                await self.rt.sync()
        self.rt.busy = True
        outcome = {DischargeOutcome.RECOVERED: "治愈出院", DischargeOutcome.TRANSFERRED: "转院",
                   DischargeOutcome.DIED: "在院死亡"}[self.discharge.outcome]
        self.rt.event("hospital_discharged", f"医院通知：{outcome}", agency="hospital",
                      outcome=self.discharge.outcome.value)
        await self.rt.sync()

    async def _settle(self, admission_no: str) -> None:
        """Review and pay each voucher; end when one was settled and none is pending, or when
        the settlement window passed with nothing sent."""
        settled_any = False
        while True:
            self.rt.busy = False
            try:
                await workflow.wait_condition(lambda: bool(self.vouchers),
                                              timeout=None if settled_any else self.inp.policy.settlement_window)
            except TimeoutError:
                self.rt.event("settlement_window_closed", "出院后结算期限内未收到结算凭证")
                await self.rt.sync()
                return
            self.rt.busy = True
            voucher = self.vouchers.pop(0)
            await self._settle_one(admission_no, voucher)
            settled_any = True
            if not self.vouchers:
                return

    async def _settle_one(self, admission_no: str, voucher: SettlementVoucher) -> None:
        inp = self.inp
        settlement_id = f"{self.case_ref}:{voucher.voucher_no}"
        submitted_at = workflow.now()
        record = SettlementRecord(settlement_id=settlement_id, case_id=inp.case_id,
                                  station_node_id=inp.station_node_id, admission_no=admission_no,
                                  voucher_no=voucher.voucher_no, claimed_fen=voucher.amount_fen,
                                  status="submitted", submitted_at=submitted_at)
        self.claimed_fen += voucher.amount_fen
        await self.rt.store(RECORD_SETTLEMENT, record)
        self.rt.event("settlement_submitted", f"医院提交结算凭证{voucher.voucher_no}，金额{_yuan(voucher.amount_fen)}",
                      agency="hospital", amount_fen=voucher.amount_fen)
        done = await self.rt.task(
            TaskKind.SETTLEMENT_REVIEW, Assignee(node_id=inp.station_node_id, role=Role.STATION_HEAD),
            voucher_no=voucher.voucher_no, amount_fen=voucher.amount_fen, admission_no=admission_no,
            items=[i.model_dump() for i in voucher.items])
        review = SettlementReviewPayload.model_validate(done.payload)
        approved = min(review.approved_amount_fen, voucher.amount_fen) if review.approved else 0
        record.decided_at = workflow.now()
        if not review.approved or approved == 0:
            record.status, record.approved_fen = "rejected", 0
            await self.rt.store(RECORD_SETTLEMENT, record)
            self.rt.event("settlement_rejected", f"结算凭证{voucher.voucher_no}未予结算：{review.notes or ''}",
                          actor=done.actor.username)
            await self.rt.sync()
            return
        record.status, record.approved_fen = "approved", approved
        await self.rt.store(RECORD_SETTLEMENT, record)
        payment = await self.rt.call(
            PAY_HOSPITAL_SETTLEMENT,
            HospitalPaymentInput(case_ref=self.case_ref, voucher_no=voucher.voucher_no,
                                 settlement_id=settlement_id, amount_fen=approved),
            HospitalPayment)
        if payment is None:
            record.status = "payment_refused"
            await self.rt.store(RECORD_SETTLEMENT, record)
            await self.rt.store(NOTIFY, Notification(
                notification_id=f"{settlement_id}:refused", node_id=inp.station_node_id,
                role=Role.STATION_HEAD, case_id=inp.case_id,
                message=f"结算凭证{voucher.voucher_no}支付被医院拒绝：{self.rt.last_refusal}"))
            await self.rt.sync()
            return
        record.status, record.payment_ref, record.paid_at = "paid", payment.payment_ref, workflow.now()
        await self.rt.store(RECORD_SETTLEMENT, record)
        self.paid_fen += approved
        self.rt.event("settlement_paid", f"结算凭证{voucher.voucher_no}已结算{_yuan(approved)}",
                      actor=done.actor.username, amount_fen=approved, payment_ref=payment.payment_ref)
        await self.rt.sync()

    @workflow.signal(name=SIGNAL_HOSPITAL_DISCHARGE)
    def on_discharge(self, discharge: HospitalDischarge) -> None:
        """The hospital's discharge callback; a duplicate changes nothing."""
        if discharge.callback_id in self._seen_callbacks or self.discharge is not None:
            return
        self._seen_callbacks.add(discharge.callback_id)
        self.discharge = discharge

    @workflow.signal(name=SIGNAL_SETTLEMENT_VOUCHER)
    def on_voucher(self, voucher: SettlementVoucher) -> None:
        """A settlement voucher from the hospital; the same callback or voucher twice counts once."""
        if voucher.callback_id in self._seen_callbacks or voucher.voucher_no in self._seen_vouchers:
            return
        self._seen_callbacks.add(voucher.callback_id)
        self._seen_vouchers.add(voucher.voucher_no)
        self.vouchers.append(voucher)



async def treat(rt: CaseRuntime, *, reason: str, wait_discharge: bool) -> TreatmentDischarged | None:
    """Start a treatment episode of the case; with ``wait_discharge``, return at discharge."""
    rt.state.treatments += 1
    episode = rt.state.treatments
    rt.state.in_hospital = True
    case_ref = treatment_case_ref(rt.state.case_number, episode)
    await workflow.start_child_workflow(
        TreatmentWorkflow.run,
        TreatmentInput(case_id=rt.state.case_id, case_number=rt.state.case_number, episode=episode,
                       station_node_id=rt.state.station_node_id,
                       hospital_node_id=rt.input.agencies.hospital, reason=reason,
                       patient_name=rt.state.person.name or rt.input.report.person_name,
                       parent_workflow_id=workflow.info().workflow_id, policy=rt.policy,
                       logic=rt.logic),
        id=treatment_workflow_id(case_ref),
        parent_close_policy=ParentClosePolicy.ABANDON,
    )
    rt.event("treatment_started", f"送定点医院救治（第{episode}次）", episode=episode)
    await rt.sync()
    if not wait_discharge:
        return None
    rt.busy = False
    await workflow.wait_condition(lambda: episode in rt.discharges)
    rt.busy = True
    return rt.discharges[episode]
